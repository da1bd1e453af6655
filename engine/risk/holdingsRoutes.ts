import type { AccountRoute } from "../types.js";
import type { FollowerRisk } from "./followerRisk.js";
import type { RiskRoster } from "./roster.js";
import type { ShadowRisk } from "./shadowRisk.js";
import type { Valuation } from "./valuation.js";

export interface HoldingsRoutesDeps {
  roster: RiskRoster;
  valuation: Valuation;
  shadows: ShadowRisk;
  accounts: {
    route(name: string): AccountRoute | undefined;
    nameAt(connection: string, accountId: number): string | undefined;
  };
  /** After each reattach: a follower may be on another login now. */
  moved(): void;
}

/**
 * Where each follower's holdings are valued, and which follower a broker event is about: a live
 * follower's at its account, a shadow's (issue 16) at its would-be trades, which no broker event
 * about the real account ever reaches.
 */
export class HoldingsRoutes {
  constructor(private readonly d: HoldingsRoutesDeps) {}

  /** The follower behind a broker account, if risk watches it there. */
  routed(connection: string, accountId: number): FollowerRisk | undefined {
    const name = this.d.accounts.nameAt(connection, accountId);
    const f = name === undefined ? undefined : this.d.roster.get(name);
    const route = f?.holdings.route;
    if (!f || route?.accountId !== accountId || route.session.connection !== connection) return undefined;
    return this.d.roster.mayTarget(f) ? f : undefined;
  }

  /** Each follower's holdings follow its account's route (a login synced, an account moved). */
  reattach(): void {
    for (const f of this.d.roster.all()) {
      if (!this.d.roster.mayTarget(f)) continue;
      this.d.valuation.attach(f.holdings, this.routeOf(f));
      if (f.shadow) this.d.shadows.start(f.holdings);
    }
    this.d.moved();
  }

  /** Where a follower's holdings are valued: its account, or (a shadow) its would-be trades. */
  routeOf(f: FollowerRisk): AccountRoute | undefined {
    return f.shadow ? this.d.shadows.route(f.name) : this.d.accounts.route(f.name);
  }
}
