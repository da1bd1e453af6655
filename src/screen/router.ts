/**
 * The input router: a key press → screen changes and at most one binding's handler. It is the
 * only caller of a binding's `run`, and where the rules that hold for every key live:
 *   - a disabled command says why instead of acting;
 *   - a dangerous command is never run from a key: the router asks the binding's question and
 *     only "y" runs it (bindings.ts, confirm.yes) — no command can skip the question;
 *   - a question is "y/N": any key but y is a no;
 *   - in a form, printable keys are text for a text field before they are commands;
 *   - below the minimum size only quit acts: nothing else a key could act on is on screen.
 * routeKey is pure; handleKey applies its answer.
 */
import type { Key } from "ink";
import type { Outcome } from "../../engine/index.js";
import { succeeded } from "../../engine/index.js";
import type { Actions } from "../process/actions.js";
import { outcomeSentence, whyFailed } from "../text/outcomes.js";
import { BINDINGS, type Binding, type CommandContext, type CommandDeps } from "./bindings.js";
import type { FieldSpec, FormAction } from "./forms/form.js";
import { elsewhere, keyName, resolveBinding } from "./keymap.js";
import { keyPresses } from "./keyPresses.js";
import { type ScreenAction, type ScreenState, type ScreenStore, scopeOf } from "./screenState.js";

export interface Routed {
  /** Screen changes, applied in order before the handler runs. */
  actions: ScreenAction[];
  /** The handler to run, with the context it runs in. */
  run?: { binding: Binding; ctx: CommandContext } | undefined;
}

const confirmNo = BINDINGS.find((b) => b.command === "confirm.no");

/** What a key press does, given the screen and the data as they are now (ctx.screen). */
export function routeKey(input: string, key: Partial<Key>, ctx: CommandContext): Routed {
  const state = ctx.screen;
  const scope = scopeOf(state);
  // A key that does something replaces the last flash message.
  const clear: ScreenAction[] = state.flash === undefined ? [] : [{ type: "flash", text: undefined }];
  if (ctx.tooSmall) {
    // A question, a form or a cursor the trader cannot see must not be answered, typed into or
    // acted on blind ("!" then "y" would flatten every follower).
    const hit = resolveBinding(input, key, "global", ctx);
    return hit?.command === "quit" ? { actions: [], run: { binding: hit.binding, ctx } } : { actions: [] };
  }
  if (state.form) {
    const field = state.form.spec.fields[state.form.state.focus];
    const typed = formTextAction(field, input, key);
    if (typed) return { actions: [...clear, { type: "form.edit", action: typed }] };
  }
  const hit = resolveBinding(input, key, scope, ctx);
  if (!hit) {
    if (scope === "confirm" && confirmNo) return { actions: clear, run: { binding: confirmNo, ctx } };
    const text = elsewhere(input, key, scope);
    return { actions: text === undefined ? [] : [{ type: "flash", text }] };
  }
  const { binding } = hit;
  if (hit.disabled) return { actions: [{ type: "flash", text: `${binding.label}: ${hit.disabled}` }] };
  if (binding.danger) {
    const message = binding.confirm(ctx);
    if (message === undefined)
      return { actions: [{ type: "flash", text: `${binding.label}: nothing selected` }] };
    return { actions: [...clear, { type: "confirm.ask", command: binding.command, message, ctx }] };
  }
  return { actions: clear, run: { binding, ctx } };
}

/**
 * A key press in a text field that is text, not a command: printable characters (space, q and ?
 * included), Backspace/Delete, Ctrl+U to clear. Undefined for everything else.
 */
export function formTextAction(
  field: FieldSpec | undefined,
  input: string,
  key: Partial<Key>,
): FormAction | undefined {
  if (field?.kind !== "text") return undefined;
  const name = keyName(input, key);
  if (name === "backspace" || name === "delete") return { type: "backspace" };
  if (name === "ctrl+u") return { type: "clear" };
  const printable =
    !key.ctrl &&
    !key.meta &&
    input.length > 0 &&
    (name === undefined || [...name].length === 1 || name === "space");
  return printable ? { type: "type", text: input } : undefined;
}

export interface KeyEnv {
  /** The context as of now: the latest screen state and engine snapshot. */
  context(): CommandContext;
  deps: CommandDeps;
}

/**
 * One read from the terminal, key by key (keyPresses). A question is answered only by a key read
 * after it was drawn: the keys that came in the same read as the one that asked it ("fy" typed
 * fast over SSH, "!y" in a paste) are dropped, and the question waits on screen for its answer.
 * Taken key by key, "fy" flattened a follower whose question was never on screen.
 */
export function handleRead(input: string, key: Partial<Key>, env: KeyEnv & { screen(): ScreenState }): void {
  const shown = env.screen().confirm;
  let unseen = false;
  for (const [one, oneKey] of keyPresses(input, key)) {
    // Ctrl+C still quits: it asks nothing, and must never need pressing twice.
    if (unseen && keyName(one, oneKey) !== "ctrl+c") continue;
    handleKey(one, oneKey, env);
    const asked = env.screen().confirm;
    if (asked !== undefined && asked !== shown) unseen = true;
  }
}

/** Routes one key press and carries it out. */
export function handleKey(input: string, key: Partial<Key>, env: KeyEnv): void {
  let ctx = env.context();
  // A list that shrank (a row removed) leaves the stored cursor past its end, shown on the last
  // row: settle it there, or the next row added would take the cursor without a key.
  if (env.deps.dispatch({ type: "clamp", counts: ctx.counts, ids: ctx.rowIds }) !== ctx.screen)
    ctx = env.context();
  const routed = routeKey(input, key, ctx);
  for (const action of routed.actions) env.deps.dispatch(action);
  if (routed.run) routed.run.binding.run(routed.run.ctx, env.deps);
}

/** What the flash line says about a command's outcomes: every sentence, FAILED first if any failed. */
export function outcomesFlash(outcomes: readonly Outcome[]): string {
  if (outcomes.length === 0) return "no followers";
  const failed = outcomes.filter((o) => !succeeded(o));
  return failed.length === 0
    ? outcomes.map(outcomeSentence).join("; ")
    : `FAILED ${failed.map((o) => (o.status === "failed" ? `${o.target}: ${whyFailed(o)}` : outcomeSentence(o))).join("; ")}`;
}

/** The handlers' dependencies over a screen store: outcomes and errors land on the flash line. */
export function commandDeps(
  actions: Actions,
  screen: ScreenStore,
  quit: () => void,
  more: Pick<CommandDeps, "loadReport"> = {},
): CommandDeps {
  return {
    actions,
    dispatch: screen.dispatch,
    quit,
    ...more,
    report(answer) {
      answer.then(
        (o) => screen.dispatch({ type: "flash", text: outcomesFlash(Array.isArray(o) ? o : [o]) }),
        (error: unknown) =>
          screen.dispatch({
            type: "flash",
            text: `FAILED: ${error instanceof Error ? error.message : String(error)}`,
          }),
      );
    },
  };
}
