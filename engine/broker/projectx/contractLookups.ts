import type { ContractSpec } from "../../types.js";
import type { ProjectXModel } from "./model.js";
import type { Envelope } from "./rest.js";
import { parseContract } from "./wire.js";

/** Contract/searchById for ids the model does not know yet: one request per id at a time, learned into the model. */
export class ContractLookups {
  private readonly pending = new Map<string, Promise<ContractSpec | undefined>>();

  constructor(
    private readonly model: ProjectXModel,
    private readonly read: (path: string, body: object) => Promise<Envelope>,
  ) {}

  /** The contract of a ProjectX id (undefined when ProjectX has none). */
  find(id: string): Promise<ContractSpec | undefined> {
    const known = this.model.contract(id);
    if (known) return Promise.resolve(known);
    let pending = this.pending.get(id);
    if (!pending) {
      pending = this.lookup(id).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private async lookup(id: string): Promise<ContractSpec | undefined> {
    const env = await this.read("Contract/searchById", { contractId: id });
    const c = env.success ? parseContract(env.contract) : undefined;
    return c ? this.model.learnContract(c) : undefined;
  }
}
