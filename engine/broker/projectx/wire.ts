/**
 * ProjectX's entities as the REST searches and the user hub carry them (projectx-protocol.md
 * "Endpoints", "Real time"), read defensively: a field of the wrong type makes the entity
 * malformed (skipped and logged), never a crash. Some hub handlers are reported to receive
 * `{action, data}` wrappers [community]: they are unwrapped first.
 */

export interface PxAccount {
  id: number;
  name: string;
  balance: number | undefined;
  canTrade: boolean;
}

export interface PxOrder {
  id: number;
  accountId: number;
  contractId: string;
  /** OrderStatus: 0 None, 1 Open, 2 Filled, 3 Cancelled, 4 Expired, 5 Rejected, 6 Pending. */
  status: number;
  side: number;
  size: number;
  /** OrderType: 1 Limit, 2 Market, 3 StopLimit, 4 Stop, 5 TrailingStop, 6 JoinBid, 7 JoinAsk. */
  type: number | undefined;
  limitPrice: number | undefined;
  stopPrice: number | undefined;
  fillVolume: number;
  filledPrice: number | undefined;
  customTag: string | undefined;
  created: number | undefined;
  updated: number | undefined;
}

export interface PxPosition {
  accountId: number;
  contractId: string;
  /** Signed: long positive, short negative, 0 flat. */
  netPos: number;
  averagePrice: number | undefined;
}

export interface PxTrade {
  id: number;
  accountId: number;
  contractId: string;
  price: number;
  side: number;
  size: number;
  voided: boolean;
  orderId: number;
  at: number | undefined;
  /** Realized dollars of a closing half-turn; undefined on an opening one (ProjectX sends null). */
  profitAndLoss: number | undefined;
  fees: number;
}

export interface PxContract {
  id: string;
  name: string;
  tickSize: number;
  tickValue: number;
}

type Rec = Record<string, unknown>;

export function unwrap(value: unknown): Rec | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const rec = value as Rec;
  if ("data" in rec && "action" in rec && typeof rec.data === "object" && rec.data !== null)
    return rec.data as Rec;
  return rec;
}

const int = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : undefined;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** Side: 0 bid (buy), 1 ask (sell); anything else is not a side (read as a buy, it would be copied as one). */
const side = (v: unknown): number | undefined => (v === 0 || v === 1 ? v : undefined);
const count = (v: unknown): number | undefined => {
  const n = int(v);
  return n !== undefined && n >= 0 ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const time = (v: unknown): number | undefined => {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
};

export function parseAccount(value: unknown): PxAccount | undefined {
  const r = unwrap(value);
  const id = int(r?.id);
  const name = str(r?.name);
  if (!r || id === undefined || name === undefined) return undefined;
  return { id, name, balance: num(r.balance), canTrade: r.canTrade !== false };
}

export function parseOrder(value: unknown): PxOrder | undefined {
  const r = unwrap(value);
  const id = int(r?.id);
  const accountId = int(r?.accountId);
  const contractId = str(r?.contractId);
  const status = int(r?.status);
  const orderSide = side(r?.side);
  const size = count(r?.size);
  if (!r || id === undefined || accountId === undefined || !contractId || status === undefined)
    return undefined;
  if (orderSide === undefined || size === undefined) return undefined;
  const fillVolume = r.fillVolume === null || r.fillVolume === undefined ? 0 : count(r.fillVolume);
  if (fillVolume === undefined) return undefined;
  return {
    id,
    accountId,
    contractId,
    status,
    side: orderSide,
    size,
    type: int(r.type),
    limitPrice: num(r.limitPrice),
    stopPrice: num(r.stopPrice),
    fillVolume,
    filledPrice: num(r.filledPrice),
    customTag: str(r.customTag),
    created: time(r.creationTimestamp),
    updated: time(r.updateTimestamp),
  };
}

export function parsePosition(value: unknown): PxPosition | undefined {
  const r = unwrap(value);
  const accountId = int(r?.accountId);
  const contractId = str(r?.contractId);
  const size = count(r?.size);
  const type = int(r?.type);
  if (!r || accountId === undefined || !contractId || size === undefined) return undefined;
  // PositionType 1 long, 2 short; a closed position comes with size 0 (and type 0).
  const netPos = size === 0 ? 0 : type === 2 ? -size : type === 1 ? size : undefined;
  if (netPos === undefined) return undefined;
  return { accountId, contractId, netPos, averagePrice: netPos === 0 ? undefined : num(r.averagePrice) };
}

export function parseTrade(value: unknown): PxTrade | undefined {
  const r = unwrap(value);
  const id = int(r?.id);
  const accountId = int(r?.accountId);
  const contractId = str(r?.contractId);
  const price = num(r?.price);
  const tradeSide = side(r?.side);
  const size = int(r?.size);
  const orderId = int(r?.orderId);
  if (!r || id === undefined || accountId === undefined || !contractId || price === undefined)
    return undefined;
  if (tradeSide === undefined || size === undefined || size <= 0 || orderId === undefined) return undefined;
  return {
    id,
    accountId,
    contractId,
    price,
    side: tradeSide,
    size,
    voided: r.voided === true,
    orderId,
    at: time(r.creationTimestamp),
    profitAndLoss: num(r.profitAndLoss),
    fees: num(r.fees) ?? 0,
  };
}

export function parseContract(value: unknown): PxContract | undefined {
  const r = unwrap(value);
  const id = str(r?.id);
  const tickSize = num(r?.tickSize);
  const tickValue = num(r?.tickValue);
  if (!r || !id || tickSize === undefined || tickSize <= 0 || tickValue === undefined) return undefined;
  return { id, name: str(r.name) ?? id, tickSize, tickValue };
}

/** ProjectX's order statuses in the words the engine uses (Tradovate's ordStatus). */
export function statusWord(status: number): string {
  switch (status) {
    case 1:
      return "Working";
    case 2:
      return "Filled";
    case 3:
      return "Canceled";
    case 4:
      return "Expired";
    case 5:
      return "Rejected";
    case 6:
      return "PendingNew";
    default:
      return "Unknown";
  }
}

/** ProjectX's order types in the engine's words; the ones mimik never sends keep their own name. */
export function orderTypeWord(type: number | undefined): string | undefined {
  switch (type) {
    case 1:
      return "Limit";
    case 2:
      return "Market";
    case 3:
      return "StopLimit";
    case 4:
      return "Stop";
    case 5:
      return "TrailingStop";
    case 6:
      return "JoinBid";
    case 7:
      return "JoinAsk";
    default:
      return undefined;
  }
}

export const isOpenStatus = (status: number): boolean => status === 1 || status === 6;

export const sideOf = (side: number): "Buy" | "Sell" => (side === 1 ? "Sell" : "Buy");
