import { MONTH_CODES, parseContract } from "../symbols.js";
import {
  type AccountEntity,
  COLLECTION_OF,
  type ContractEntity,
  type ContractMaturityEntity,
  EMPTY_COLLECTIONS,
  ENTITY_TYPES,
  type Entity,
  type EntityType,
  MULTIBRACKET,
  type OrderEntity,
  type PositionEntity,
  type ProductEntity,
  type PropsEvent,
  type TradeDate,
  type UserEntity,
} from "./entities.js";
import type { Scenario } from "./scenario.js";
import { tradeDateAt } from "./session.js";

/**
 * The simulated broker's database: every entity by type and id, who may see it, and the ids
 * handed out. Mutations go through create/update so each one becomes a `props` event.
 */

export interface SimUser {
  id: number;
  name: string;
  /** Which face the user logs in through: Tradovate's (name and password) or ProjectX's (API key). */
  broker: "tradovate" | "projectx";
  /** Tradovate users' password; ProjectX users have none (they log in with `apiKey`). */
  password: string | undefined;
  /** ProjectX users' API key. */
  apiKey: string | undefined;
  accountIds: number[];
}

export interface ProductInfo {
  product: ProductEntity;
  contracts: ContractEntity[];
  /** Dollars per contract per fill. */
  fee: number;
  /** Contracts per price level; undefined = unlimited. */
  depth: number | undefined;
}

/** What a round turn costs at a retail futures broker, per side: micros about a third of the minis. */
const defaultFee = (isMicro: boolean): number => (isMicro ? 0.75 : 2.25);

const ISO = (ms: number): string => new Date(ms).toISOString();

/** Where the ids of a simulator started at `wallMs` begin. */
const ID_EPOCH_MS = Date.UTC(2026, 0, 1);
const IDS_PER_MS = 100;

/**
 * The first id a simulator started at `wallMs` (the machine's time, not the session clock, which
 * a test may pin) gives: 100 ids per millisecond since 2026 above 10^11. A broker never gives an
 * id twice, and mimik remembers the leader fills it acted on across restarts by their ids: a
 * simulator restarted beside a running config that began again at the same id had its leader's
 * next fills taken for ones already copied and skipped without a word, and the first fill past
 * the old ones copied as if from flat (a follower short 2 beside a flat leader). A later start
 * begins past every id an earlier one gave unless that one gave over 100 000 a second on average.
 */
export function firstIdAt(wallMs: number): number {
  return 100_000_000_001 + Math.max(0, Math.floor(wallMs - ID_EPOCH_MS)) * IDS_PER_MS;
}

/** Trading day: the CME session's, rolling at the 17:00 Chicago reopen (session.ts). */
export const tradeDateOf = tradeDateAt;

/** Third Friday of the contract month: CME equity index expiry, close enough for the rest. */
function expirationOf(name: string, now: number): { month: number; date: string } {
  const parsed = parseContract(name)!;
  const month = MONTH_CODES.indexOf(parsed.month) + 1;
  const thisYear = new Date(now).getUTCFullYear();
  let year = thisYear - (thisYear % 10) + parsed.year;
  if (year < thisYear - 1) year += 10;
  const first = new Date(Date.UTC(year, month - 1, 1));
  const firstFriday = 1 + ((5 - first.getUTCDay() + 7) % 7);
  return { month, date: new Date(Date.UTC(year, month - 1, firstFriday + 14, 21)).toISOString() };
}

export class Book {
  private readonly tables = new Map<EntityType, Map<number, Entity>>(ENTITY_TYPES.map((t) => [t, new Map()]));
  readonly users: SimUser[] = [];
  readonly products = new Map<string, ProductInfo>();
  private readonly contractsByName = new Map<string, ContractEntity>();
  private readonly productOfContract = new Map<number, ProductEntity>();
  private readonly accountsByName = new Map<string, AccountEntity>();
  private readonly positionsByKey = new Map<string, PositionEntity>();
  private nextId: number;

  constructor(
    scenario: Scenario,
    readonly now: () => number = Date.now,
    firstId = firstIdAt(Date.now()),
  ) {
    this.nextId = firstId;
    const ts = ISO(now());
    this.insert("currency", { id: 1, name: "USD", symbol: "$" });
    this.insert("exchange", { id: 1, name: "CME" });
    this.insert("contractGroup", { id: 1, name: "Futures" });
    this.insert("orderStrategyType", { ...MULTIBRACKET });
    scenario.users.forEach((u, ui) => {
      const userId = 1001 + ui;
      this.insert<UserEntity>("user", {
        id: userId,
        name: u.name,
        timestamp: ts,
        status: "Active",
        professional: false,
      });
      const accountIds: number[] = [];
      u.accounts.forEach((a, ai) => {
        const id = 700_001 + ui * 100 + ai;
        accountIds.push(id);
        const account: AccountEntity = {
          id,
          name: a.name,
          userId,
          accountType: "Customer",
          active: true,
          clearingHouseId: 2,
          riskCategoryId: 2,
          autoLiqProfileId: id,
          marginAccountType: "Speculator",
          legalStatus: "Individual",
          archived: false,
          readonly: false,
          timestamp: ts,
        };
        this.insert("account", account);
        this.accountsByName.set(a.name, account);
        this.insert("accountRiskStatus", {
          id,
          adminAction: a.liquidationOnly ? "LiquidateOnlyModeImmediately" : "Normal",
          ...(a.liquidationOnly ? { adminTimestamp: ts, liquidateOnly: ts } : {}),
          userTriggeredLiqOnly: false,
        });
        this.insert("userAccountAutoLiq", {
          id,
          changesLocked: a.dailyLossAutoLiq !== undefined || a.trailingMaxDrawdown !== undefined,
          doNotUnlock: a.doNotUnlock ?? false,
          ...(a.dailyLossAutoLiq !== undefined ? { dailyLossAutoLiq: a.dailyLossAutoLiq } : {}),
          ...(a.trailingMaxDrawdown !== undefined
            ? {
                trailingMaxDrawdown: a.trailingMaxDrawdown,
                trailingMaxDrawdownMode: a.trailingMaxDrawdownMode ?? "RealTime",
                ...(a.trailingMaxDrawdownLimit !== undefined
                  ? { trailingMaxDrawdownLimit: a.trailingMaxDrawdownLimit }
                  : {}),
              }
            : {}),
        });
        this.insert("marginSnapshot", {
          id,
          initialMargin: 0,
          maintenanceMargin: 0,
          autoLiqLevel: 0,
          liqOnlyLevel: 0,
          totalUsedMargin: 0,
          fullInitialMargin: 0,
          timestamp: ts,
        });
        this.insert("cashBalance", {
          id,
          accountId: id,
          timestamp: ts,
          tradeDate: tradeDateOf(now()),
          currencyId: 1,
          amount: a.balance,
          realizedPnL: 0,
          weekRealizedPnL: 0,
        });
      });
      this.users.push(
        u.broker === "projectx"
          ? {
              id: userId,
              name: u.name,
              broker: "projectx",
              password: undefined,
              apiKey: u.apiKey,
              accountIds,
            }
          : {
              id: userId,
              name: u.name,
              broker: "tradovate",
              password: u.password,
              apiKey: undefined,
              accountIds,
            },
      );
    });
    scenario.products.forEach((p, pi) => {
      const productId = 801 + pi;
      const months = [...new Set(p.contracts.map((c) => parseContract(c)!.month))].join("");
      const product: ProductEntity = {
        id: productId,
        name: p.name,
        currencyId: 1,
        productType: "Futures",
        description: p.description,
        exchangeId: 1,
        contractGroupId: 1,
        status: "Verified",
        months,
        valuePerPoint: p.valuePerPoint,
        tickSize: p.tickSize,
        priceFormatType: "Decimal",
        priceFormat: -Math.max(0, Math.round(-Math.log10(p.tickSize))),
        isMicro: /^M(ES|NQ|YM|2K|CL|GC)$/.test(p.name),
      };
      this.insert("product", product);
      const contracts: ContractEntity[] = [];
      p.contracts.forEach((name, ci) => {
        const maturityId = 50_000 + pi * 10 + ci;
        const exp = expirationOf(name, now());
        this.insert<ContractMaturityEntity>("contractMaturity", {
          id: maturityId,
          productId,
          expirationMonth: exp.month,
          expirationDate: exp.date,
          isFront: ci === 0,
        });
        const contract: ContractEntity = {
          id: 4_000_001 + pi * 10 + ci,
          name,
          contractMaturityId: maturityId,
          timestamp: ts,
        };
        this.insert("contract", contract);
        this.contractsByName.set(name, contract);
        this.productOfContract.set(contract.id, product);
        contracts.push(contract);
      });
      this.products.set(p.name, {
        product,
        contracts,
        fee: p.fee ?? defaultFee(product.isMicro),
        depth: p.depth,
      });
    });
  }

  newId(): number {
    return this.nextId++;
  }

  timestamp(): string {
    return ISO(this.now());
  }

  tradeDate(): TradeDate {
    return tradeDateOf(this.now());
  }

  private insert<T extends Entity>(type: EntityType, entity: T): T {
    this.tables.get(type)!.set(entity.id, entity);
    return entity;
  }

  /** Add an entity and record its Created event in `out`. */
  create<T extends Entity>(type: EntityType, entity: T, out: PropsEvent[]): T {
    this.insert(type, entity);
    if (type === "position") {
      const p = entity as unknown as PositionEntity;
      this.positionsByKey.set(`${p.accountId}:${p.contractId}`, p);
    }
    out.push({ e: "props", d: { entityType: type, eventType: "Created", entity: { ...entity } } });
    return entity;
  }

  /** Change an entity in place and record its Updated event (the whole entity, as Tradovate does). */
  update<T extends Entity>(type: EntityType, entity: T, patch: Partial<T>, out: PropsEvent[]): T {
    Object.assign(entity, patch);
    out.push({ e: "props", d: { entityType: type, eventType: "Updated", entity: { ...entity } } });
    return entity;
  }

  /** Forget an entity (old order history); positions and accounts are never removed. */
  remove(type: EntityType, id: number): void {
    this.tables.get(type)!.delete(id);
  }

  get<T extends Entity>(type: EntityType, id: number): T | undefined {
    return this.tables.get(type)!.get(id) as T | undefined;
  }

  all<T extends Entity>(type: EntityType): IterableIterator<T> {
    return this.tables.get(type)!.values() as IterableIterator<T>;
  }

  userByName(name: string): SimUser | undefined {
    return this.users.find((u) => u.name === name);
  }

  userById(id: number): SimUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  accountByName(name: string): AccountEntity | undefined {
    return this.accountsByName.get(name);
  }

  contractByName(name: string): ContractEntity | undefined {
    return this.contractsByName.get(name.toUpperCase());
  }

  productOf(contractId: number): ProductEntity | undefined {
    return this.productOfContract.get(contractId);
  }

  position(accountId: number, contractId: number): PositionEntity | undefined {
    return this.positionsByKey.get(`${accountId}:${contractId}`);
  }

  /** The account an entity belongs to; null for shared reference data (contracts, products …). */
  accountOf(type: EntityType, entity: Entity): number | null | undefined {
    switch (type) {
      case "account":
      case "accountRiskStatus":
      case "userAccountAutoLiq":
      case "marginSnapshot":
        return entity.id;
      case "cashBalance":
      case "position":
      case "order":
      case "executionReport":
      case "orderStrategy":
        return entity.accountId as number;
      case "orderStrategyLink":
        return this.get("orderStrategy", entity.orderStrategyId as number)?.accountId as number | undefined;
      case "orderVersion":
      case "command":
      case "fill":
        return this.get<OrderEntity>("order", entity.orderId as number)?.accountId;
      case "commandReport": {
        const command = this.get("command", entity.commandId as number);
        return command ? this.get<OrderEntity>("order", command.orderId as number)?.accountId : undefined;
      }
      case "fillPair":
        return this.get<PositionEntity>("position", entity.positionId as number)?.accountId;
      default:
        return null;
    }
  }

  /** Whether `user` may see the entity. Users only see themselves; accounts only their own. */
  visible(user: SimUser, type: EntityType, entity: Entity): boolean {
    if (type === "user") return entity.id === user.id;
    const account = this.accountOf(type, entity);
    if (account === null) return true;
    return account !== undefined && user.accountIds.includes(account);
  }

  /** The SyncMessage snapshot for a set of accounts, every collection present. */
  snapshot(user: SimUser, accountIds: ReadonlySet<number>): Record<string, Entity[]> {
    const out: Record<string, Entity[]> = {};
    for (const type of ENTITY_TYPES) {
      const list: Entity[] = [];
      for (const entity of this.tables.get(type)!.values()) {
        if (type === "user") {
          if (entity.id === user.id) list.push({ ...entity });
          continue;
        }
        const account = this.accountOf(type, entity);
        if (account === null || (account !== undefined && accountIds.has(account))) list.push({ ...entity });
      }
      out[COLLECTION_OF[type]] = list;
    }
    for (const name of EMPTY_COLLECTIONS) out[name] = [];
    return out;
  }
}
