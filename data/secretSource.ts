import { z } from "zod";

/**
 * Where a secret comes from. The secret itself never sits in the config. In a file of its own so
 * every part of the config that needs a secret (connections, notification targets) shares it.
 */
export const secretSource = z.union([
  z.strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
  }),
  z.strictObject({
    file: z.string().min(1, "must be a path to a credentials file"),
    key: z.string().min(1, "must name the entry in the credentials file"),
  }),
]);
