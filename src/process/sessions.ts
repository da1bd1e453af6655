import { createHash } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { Config, Connection, ProjectXConnection, TradovateConnection } from "../../data/schema.js";
import {
  type BrokerSession,
  type Clock,
  type Credentials,
  createBrokerSession,
  createProjectXSession,
  type Logger,
  projectxSimEndpoints,
  simEndpoints,
  TOPSTEPX_HOSTS,
  tradovateEndpoints,
} from "../../engine/index.js";
import { type ConnectionSecrets, resolveSecrets } from "./connectionSecrets.js";

export interface SessionFactoryOptions {
  env: NodeJS.ProcessEnv;
  /** Base URL (http://127.0.0.1:PORT) of the embedded simulator, for sim connections without a url. */
  embeddedSimUrl?: string | undefined;
  clock?: Clock;
  logger?: Logger;
  /** Replaces the env's request budget (the benchmark's simulator allows far more). */
  rateLimit?: RateLimitOptions;
}

/** A login's request budget (engine/broker: nothing ever waits for it). */
export interface RateLimitOptions {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
  /** How long requests stop after a broker 429. */
  lockoutMs?: number;
}

/**
 * Tradovate's published user limits (1,000/s, 5,000/min, 5,000/h) and its hour-long stop after a
 * 429. The simulator enforces the same limits by default; a sim connection stops only 30 s after
 * a 429, so recovery can be seen and tested.
 */
const RATE_LIMITS: Record<Connection["env"], RateLimitOptions> = {
  live: { perSecond: 1000, perMinute: 5000, perHour: 5000, lockoutMs: 3_600_000 },
  demo: { perSecond: 1000, perMinute: 5000, perHour: 5000, lockoutMs: 3_600_000 },
  sim: { perSecond: 1000, perMinute: 5000, perHour: 5000, lockoutMs: 30_000 },
};

/**
 * ProjectX's published limit, 200 requests a minute per login; a 429 asks for a short pause. The
 * simulator enforces its scenario's limit the same way.
 */
const PROJECTX_RATE = { perMinute: 200, lockoutMs: 10_000 };

export function endpointsFor(connection: TradovateConnection, embeddedSimUrl?: string) {
  if (connection.env !== "sim") return tradovateEndpoints(connection.env);
  return simEndpoints(simBase(connection, embeddedSimUrl));
}

/** A ProjectX login's REST and hub addresses: TopstepX's unless the config names others, or the simulator's. */
export function projectxEndpointsFor(connection: ProjectXConnection, embeddedSimUrl?: string) {
  if (connection.env === "sim") return projectxSimEndpoints(simBase(connection, embeddedSimUrl));
  return {
    apiUrl: connection.hosts?.api ?? TOPSTEPX_HOSTS.apiUrl,
    userHubUrl: connection.hosts?.userHub ?? TOPSTEPX_HOSTS.userHubUrl,
    marketHubUrl: connection.hosts?.marketHub ?? TOPSTEPX_HOSTS.marketHubUrl,
  };
}

function simBase(connection: Connection, embeddedSimUrl: string | undefined): string {
  const base = connection.url ?? embeddedSimUrl;
  if (!base) throw new Error(`connection ${connection.name}: no simulator url and no embedded simulator`);
  return base;
}

/** Stable per machine and login, as Tradovate asks; never derived from a secret. */
export function defaultDeviceId(username: string): string {
  return createHash("sha256").update(`mimik:${hostname()}:${userInfo().username}:${username}`).digest("hex");
}

// Kept apart so boot (the first frame's path) reads secrets without loading the broker clients.
export {
  type ConnectionSecrets,
  forgetSecretEnv,
  needsEmbeddedSim,
  resolveSecrets,
  secretValues,
} from "./connectionSecrets.js";

export interface SessionOptions {
  secrets: ConnectionSecrets;
  /** Base URL (http://127.0.0.1:PORT) of the embedded simulator, for sim connections without a url. */
  embeddedSimUrl?: string | undefined;
  /** Accounts each login syncs; default every configured account of that login. */
  accounts?: (connection: Connection) => string[];
  clock?: Clock;
  logger?: Logger;
  /** Replaces the env's request budget (the benchmark's simulator allows far more). */
  rateLimit?: RateLimitOptions;
}

/** A Tradovate login's credentials as the broker client takes them. */
export function credentialsFor(
  connection: TradovateConnection,
  secret: ConnectionSecrets[string],
): Credentials {
  if (secret.password === undefined)
    throw new Error(`connection ${connection.name}: its password was not read`);
  return {
    name: connection.username,
    password: secret.password,
    appId: connection.appId,
    appVersion: connection.appVersion,
    ...(connection.cid === undefined ? {} : { cid: connection.cid }),
    ...(secret.secret === undefined ? {} : { sec: secret.secret }),
    deviceId: connection.deviceId ?? defaultDeviceId(connection.username),
  };
}

/**
 * The logger a login's session writes to: each line names the login. With two logins, "market data
 * socket could not connect" or "logged in to Tradovate (user: …)" said nothing of which one.
 */
export function loginLogger(logger: Logger, connection: string): Logger {
  const tagged = (data: Record<string, unknown> | undefined) => ({ connection, ...data });
  return {
    info: (message, data) => logger.info(message, tagged(data)),
    warn: (message, data) => logger.warn(message, tagged(data)),
    error: (message, data) => logger.error(message, tagged(data)),
  };
}

/** One session per login, shared by all its accounts. */
export function sessionsFor(config: Config, options: SessionOptions): BrokerSession[] {
  return config.connections.map((connection) => {
    const logger = options.logger && loginLogger(options.logger, connection.name);
    const secret = options.secrets[connection.name];
    if (!secret) throw new Error(`connection ${connection.name}: its secrets were not read`);
    const accounts =
      options.accounts?.(connection) ??
      config.accounts.filter((a) => a.connection === connection.name).map((a) => a.name);
    if (connection.broker === "projectx") {
      if (secret.apiKey === undefined)
        throw new Error(`connection ${connection.name}: its API key was not read`);
      return createProjectXSession({
        connection: connection.name,
        ...projectxEndpointsFor(connection, options.embeddedSimUrl),
        userName: connection.username,
        apiKey: secret.apiKey,
        accounts,
        ...(connection.symbols ? { symbols: connection.symbols } : {}),
        rateLimit: options.rateLimit?.perMinute
          ? { ...PROJECTX_RATE, perMinute: options.rateLimit.perMinute }
          : PROJECTX_RATE,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(logger ? { logger } : {}),
      });
    }
    return createBrokerSession({
      connection: connection.name,
      ...endpointsFor(connection, options.embeddedSimUrl),
      credentials: credentialsFor(connection, secret),
      accounts,
      rateLimit: options.rateLimit ?? { ...RATE_LIMITS[connection.env], ...connection.requestBudget },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(logger ? { logger } : {}),
    });
  });
}

/** Secrets from their sources, then one session per login (tests and the benchmark). */
export async function createSessions(
  config: Config,
  options: SessionFactoryOptions,
): Promise<BrokerSession[]> {
  const { env, ...rest } = options;
  return sessionsFor(config, { ...rest, secrets: await resolveSecrets(config, env) });
}
