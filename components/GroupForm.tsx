import { useMemo } from "react";
import type { Group } from "../data/schema.js";
import { type GroupFormContext, groupFormSpec, groupFormValues } from "../src/screen/forms/groupForm.js";
import { FormController } from "./FormView.js";
import type { Theme } from "./theme.js";

export interface GroupFormProps {
  ctx: GroupFormContext;
  width: number;
  height: number;
  theme: Theme;
  isActive?: boolean;
  /** The validated group (followers kept from ctx.existing); saving it is the caller's job. */
  onSubmit: (group: Group) => void;
  onCancel: () => void;
}

/** Create or edit a group: name, leader from free accounts only, active, whitelist. */
export function GroupForm({ ctx, ...rest }: GroupFormProps) {
  const spec = useMemo(() => groupFormSpec(ctx), [ctx]);
  const initialValues = useMemo(() => groupFormValues(ctx), [ctx]);
  return <FormController spec={spec} initialValues={initialValues} {...rest} />;
}
