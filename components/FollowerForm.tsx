import { useMemo } from "react";
import type { Follower } from "../data/schema.js";
import {
  type FollowerFormContext,
  followerFormSpec,
  followerFormValues,
} from "../src/screen/forms/followerForm.js";
import { FormController } from "./FormView.js";
import type { Theme } from "./theme.js";

export interface FollowerFormProps {
  ctx: FollowerFormContext;
  width: number;
  height: number;
  theme: Theme;
  isActive?: boolean;
  /** The validated follower; adding it to its group and saving is the caller's job. */
  onSubmit: (follower: Follower) => void;
  onCancel: () => void;
}

/** Create or edit a follower: account from free accounts only, sizing, max contracts, mapping, limits. */
export function FollowerForm({ ctx, ...rest }: FollowerFormProps) {
  const spec = useMemo(() => followerFormSpec(ctx), [ctx]);
  const initialValues = useMemo(() => followerFormValues(ctx), [ctx]);
  return <FormController spec={spec} initialValues={initialValues} {...rest} />;
}
