/** Placeholder until the command table lands. */
export async function main(_argv: string[]): Promise<number> {
  console.log("mimik");
  return 0;
}
