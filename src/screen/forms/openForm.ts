import { ownRoots } from "../../../data/knownRoots.js";
/**
 * An open form as the screen reducer holds it: which form, what it edits, its spec (fields and
 * validation) and its state (values, focus, errors). Opening one takes the config as it is
 * when the key is pressed: the accounts it may offer and the names it must not reuse.
 */
import type { Config, Follower, Group } from "../../../data/schema.js";
import { followerFormSpec, followerFormValues } from "./followerForm.js";
import { type FormSpec, type FormState, initForm } from "./form.js";
import { type AccountChoice, groupFormSpec, groupFormValues } from "./groupForm.js";

export type OpenForm =
  | { kind: "group"; original?: Group | undefined; spec: FormSpec<Group>; state: FormState<Group> }
  | {
      kind: "follower";
      /** The group the follower is (or will be) in. */
      group: string;
      original?: Follower | undefined;
      spec: FormSpec<Follower>;
      state: FormState<Follower>;
    };

/** Accounts in no group, in any role: the only ones a form may offer, so a leader never follows. */
export function freeAccounts(config: Config): AccountChoice[] {
  const used = new Set(
    config.groups
      .flatMap((g) => [g.leader, ...g.followers.map((f) => f.account)])
      .map((a) => a.toUpperCase()),
  );
  return config.accounts
    .filter((a) => !used.has(a.name.toUpperCase()))
    .map((a) => ({ name: a.name, label: a.label }));
}

/** The group form: a new group, or `original` to edit. */
export function openGroupForm(config: Config, original?: Group): OpenForm {
  const ctx = {
    freeAccounts: freeAccounts(config),
    existingGroupNames: config.groups.filter((g) => g !== original).map((g) => g.name),
    existing: original,
    ownRoots: ownRoots(config),
  };
  const spec = groupFormSpec(ctx);
  return { kind: "group", original, spec, state: initForm(spec, groupFormValues(ctx)) };
}

/** The follower form for a follower of `group`: a new one, or `original` to edit. */
export function openFollowerForm(config: Config, group: string, original?: Follower): OpenForm {
  const ctx = { freeAccounts: freeAccounts(config), groupName: group, existing: original };
  const spec = followerFormSpec(ctx);
  return { kind: "follower", group, original, spec, state: initForm(spec, followerFormValues(ctx)) };
}
