/**
 * Contracts with their maturities and products (tradovate-protocol.md §4, §7): enough to name a
 * contract, find its root, tick size and point value, and the last price seen for it.
 */
import type { ContractSpec } from "../types.js";
import {
  parseContract,
  parseMaturity,
  parseProduct,
  type RawContract,
  type RawMaturity,
  type RawProduct,
} from "./entities.js";

export class ContractCache {
  private readonly contracts = new Map<number, RawContract>();
  private readonly idsByName = new Map<string, number>();
  private readonly maturities = new Map<number, RawMaturity>();
  private readonly products = new Map<number, RawProduct>();
  /** Contracts whose maturity/product lookup finished (even unsuccessfully): emit with what we have. */
  private readonly lookedUp = new Set<number>();
  private readonly prices = new Map<number, number>();

  /** Caches a contract, contractMaturity or product entity; false for any other type. */
  apply(entityType: string, entity: unknown): boolean {
    switch (entityType.toLowerCase()) {
      case "contract": {
        const c = parseContract(entity);
        if (c) {
          this.contracts.set(c.id, c);
          this.idsByName.set(c.name.toUpperCase(), c.id);
        }
        return true;
      }
      case "contractmaturity": {
        const m = parseMaturity(entity);
        if (m) this.maturities.set(m.id, m);
        return true;
      }
      case "product": {
        const p = parseProduct(entity);
        if (p) this.products.set(p.id, p);
        return true;
      }
      default:
        return false;
    }
  }

  byId(id: number): ContractSpec | undefined {
    const c = this.contracts.get(id);
    if (!c) return undefined;
    const maturity =
      c.contractMaturityId !== undefined ? this.maturities.get(c.contractMaturityId) : undefined;
    const product = maturity ? this.products.get(maturity.productId) : undefined;
    if (!product || product.tickSize === undefined || product.valuePerPoint === undefined) return undefined;
    return {
      id: String(c.id),
      name: c.name,
      root: product.name,
      tickSize: product.tickSize,
      pointValue: product.valuePerPoint,
    };
  }

  byName(name: string): ContractSpec | undefined {
    const id = this.idsByName.get(name.toUpperCase());
    return id === undefined ? undefined : this.byId(id);
  }

  name(id: number): string | undefined {
    return this.contracts.get(id)?.name;
  }

  has(id: number): boolean {
    return this.contracts.has(id);
  }

  /** Ids of the maturity and product a contract needs, when they are not cached. */
  missingSpecParts(contractId: number): { maturityId?: number; productId?: number } {
    const c = this.contracts.get(contractId);
    if (!c || c.contractMaturityId === undefined) return {};
    const m = this.maturities.get(c.contractMaturityId);
    if (!m) return { maturityId: c.contractMaturityId };
    return this.products.has(m.productId) ? {} : { productId: m.productId };
  }

  /** Known by name, and either fully specified or looked up as far as the broker allows. */
  ready(contractId: number): boolean {
    if (!this.contracts.has(contractId)) return false;
    return this.byId(contractId) !== undefined || this.lookedUp.has(contractId);
  }

  markLookedUp(contractId: number): void {
    this.lookedUp.add(contractId);
  }

  lastPrice(contractId: number): number | undefined {
    return this.prices.get(contractId);
  }

  setLastPrice(contractId: number, price: number): void {
    this.prices.set(contractId, price);
  }
}
