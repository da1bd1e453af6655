/**
 * Fetches the entities a live event needs but the cache lacks (tradovate-protocol.md §8.4 #4):
 * a fill's order (after a short wait: it usually arrives on its own), and a contract with its
 * maturity and product (tick size, point value, root).
 */
import type { Clock, ContractSpec, Logger } from "../types.js";
import { asBrokerError } from "./auth.js";
import type { BrokerModel } from "./model.js";

const RETRY_MS = 5000;

export interface LookupsOptions {
  model: BrokerModel;
  /** Reads `endpoint?query` from the broker (socket or REST). */
  read: (endpoint: string, query: string) => Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** How long a fill waits for its order before order/item is asked. */
  orderWaitMs: number;
  /** Something pending may be ready now. */
  onResolved: () => void;
}

export class EntityLookups {
  private readonly inFlight = new Set<string>();
  /** After a failed fetch, when it may be tried again (keeps a broken lookup off the budget). */
  private readonly retryAt = new Map<string, number>();
  private orderTimer: unknown;

  constructor(private readonly opts: LookupsOptions) {}

  stop(): void {
    if (this.orderTimer !== undefined) this.opts.clock.clearTimeout(this.orderTimer);
    this.orderTimer = undefined;
  }

  /** Starts fetching whatever the model's pending fills and positions wait for. */
  resolveMissing(): void {
    const { orderIds, contractIds } = this.opts.model.missing();
    for (const id of contractIds) void this.fetchContract(id);
    if (orderIds.length > 0 && this.orderTimer === undefined) {
      this.orderTimer = this.opts.clock.setTimeout(() => {
        this.orderTimer = undefined;
        for (const id of this.opts.model.missing().orderIds) void this.fetchOrder(id);
      }, this.opts.orderWaitMs);
    }
  }

  /** Cached spec, or contract/find + maturity + product; undefined when the broker has no such contract. */
  async findContract(name: string): Promise<ContractSpec | undefined> {
    const { model } = this.opts;
    const cached = model.contractByName(name);
    if (cached) return cached;
    let contract: unknown;
    try {
      contract = await this.opts.read("contract/find", `name=${encodeURIComponent(name.toUpperCase())}`);
    } catch (err) {
      const e = asBrokerError(err);
      if (e.status !== 404) this.opts.logger.warn("contract lookup failed", { name, error: e.message });
      return undefined;
    }
    const id =
      typeof contract === "object" && contract !== null ? (contract as { id?: unknown }).id : undefined;
    if (typeof id !== "number") return undefined;
    model.applyEntity("contract", contract);
    try {
      await this.loadSpecParts(id);
    } catch (err) {
      this.opts.logger.warn("contract lookup failed", { name, error: asBrokerError(err).message });
    }
    return model.contractById(id);
  }

  private async fetchOrder(orderId: number): Promise<void> {
    const key = `order:${orderId}`;
    if (!this.mayFetch(key)) return;
    this.inFlight.add(key);
    try {
      this.opts.model.applyEntity("order", await this.opts.read("order/item", `id=${orderId}`));
    } catch (err) {
      const e = asBrokerError(err);
      // Only a definite "no such order" gives up; a network failure retries with the next event.
      if (e.status === 404) {
        this.opts.logger.warn("fill skipped: its order is unknown to the broker", { orderId });
        this.opts.model.dropWaitingFor("order", orderId);
      } else {
        this.opts.logger.warn("order lookup failed", { orderId, error: e.message });
        this.retryAt.set(key, this.opts.clock.now() + RETRY_MS);
      }
    } finally {
      this.inFlight.delete(key);
    }
    this.opts.onResolved();
  }

  private async fetchContract(contractId: number): Promise<void> {
    const key = `contract:${contractId}`;
    if (!this.mayFetch(key)) return;
    this.inFlight.add(key);
    const { model } = this.opts;
    try {
      if (!model.contractName(contractId)) {
        model.applyEntity("contract", await this.opts.read("contract/item", `id=${contractId}`));
      }
      await this.loadSpecParts(contractId);
    } catch (err) {
      const e = asBrokerError(err);
      this.opts.logger.warn("contract lookup failed", { contractId, error: e.message });
      if (e.status === 404 && !model.contractName(contractId)) model.dropWaitingFor("contract", contractId);
      else this.retryAt.set(key, this.opts.clock.now() + RETRY_MS);
    } finally {
      this.inFlight.delete(key);
    }
    // With a name the event can go out even if tick size/point value stayed unknown.
    if (model.contractName(contractId)) model.markLookedUp(contractId);
    this.opts.onResolved();
  }

  private mayFetch(key: string): boolean {
    if (this.inFlight.has(key)) return false;
    const at = this.retryAt.get(key);
    if (at !== undefined && this.opts.clock.now() < at) return false;
    this.retryAt.delete(key);
    return true;
  }

  /** contract → contractMaturity/item → product/item, skipping what is cached. */
  private async loadSpecParts(contractId: number): Promise<void> {
    const { model } = this.opts;
    const first = model.missingSpecParts(contractId);
    if (first.maturityId !== undefined) {
      model.applyEntity(
        "contractMaturity",
        await this.opts.read("contractMaturity/item", `id=${first.maturityId}`),
      );
    }
    const second = model.missingSpecParts(contractId);
    if (second.productId !== undefined) {
      model.applyEntity("product", await this.opts.read("product/item", `id=${second.productId}`));
    }
  }
}
