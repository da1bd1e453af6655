/**
 * The whole screen from a ScreenVM and a layout: header, Groups | Alerts, Followers, Live
 * fills, hint bar. Sizes come in as props (ink-testing-library's stdout has no rows); the root
 * is layout.rootHeight = rows − 1 tall so Ink 6 never redraws the whole terminal per frame.
 * Help and forms take the panes' place; a question takes the hint bar's, so what it is about
 * stays on screen. Props only: the App listens to keys and the store.
 */
import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { type HelpRow, type Hint, helpRows } from "../src/screen/keymap.js";
import type { Layout } from "../src/screen/layout.js";
import type { ScreenVM } from "../src/screen/viewModel.js";
import { AlertsPane } from "./AlertsPane.js";
import { ConfirmDialog } from "./ConfirmDialog.js";
import { FillsPane } from "./FillsPane.js";
import { FollowersPane } from "./FollowersPane.js";
import { FormView } from "./FormView.js";
import { GroupsPane } from "./GroupsPane.js";
import { Header } from "./Header.js";
import { HelpOverlay } from "./HelpOverlay.js";
import { HintBar } from "./HintBar.js";
import { Pane } from "./Pane.js";
import { ReportView } from "./ReportView.js";
import { TooSmall } from "./TooSmall.js";
import { type Theme, toneColor } from "./theme.js";

export interface ScreenProps {
  vm: ScreenVM;
  layout: Layout;
  /** hintsFor(scope, ctx) for the current scope. */
  hints: readonly Hint[];
  theme: Theme;
  /** Defaults to helpRows() from the keymap. */
  help?: readonly HelpRow[];
}

export function Screen({ vm, layout, hints, theme, help }: ScreenProps) {
  if (layout.tooSmall) return <TooSmall message={layout.message} width={layout.width} />;
  const { selection: sel, overlay } = vm;
  const focus = overlay.kind === "none" || overlay.kind === "confirm" ? sel.focus : undefined;
  const group = vm.groups[sel.group];
  let body: ReactNode;
  if (overlay.kind === "help") {
    body = (
      <HelpOverlay
        rows={help ?? helpRows()}
        width={layout.body.width}
        height={layout.body.height}
        offset={overlay.offset ?? 0}
        theme={theme}
      />
    );
  } else if (overlay.kind === "report") {
    const { view, selected, error } = overlay.report;
    const { width, height } = layout.body;
    body = view ? (
      <ReportView view={view} selected={selected} focused width={width} height={height} theme={theme} />
    ) : (
      <Pane title="Report" focused width={width} height={height} theme={theme}>
        <Text wrap="truncate" color={toneColor(theme, error ? "bad" : "muted")}>
          {error ? ` the journal could not be read: ${error}` : " reading the journal…"}
        </Text>
      </Pane>
    );
  } else if (overlay.kind === "form") {
    body = (
      <FormView
        spec={overlay.spec}
        state={overlay.state}
        width={layout.body.width}
        height={layout.body.height}
        theme={theme}
      />
    );
  } else {
    body = (
      <>
        <Box flexDirection="row" height={layout.groups.height}>
          <GroupsPane
            groups={vm.groups}
            selected={sel.group}
            focused={focus === "groups"}
            width={layout.groups.width}
            height={layout.groups.height}
            theme={theme}
          />
          <Box width={layout.gap} />
          <AlertsPane
            alerts={vm.alerts}
            selected={sel.alert}
            focused={focus === "alerts"}
            width={layout.alerts.width}
            height={layout.alerts.height}
            theme={theme}
          />
        </Box>
        <FollowersPane
          followers={vm.followers}
          groupName={group?.name}
          selected={sel.follower}
          focused={focus === "followers"}
          width={layout.followers.width}
          height={layout.followers.height}
          theme={theme}
        />
        <FillsPane
          fills={vm.fills}
          selected={sel.fill}
          focused={focus === "fills"}
          width={layout.fills.width}
          height={layout.fills.height}
          theme={theme}
        />
      </>
    );
  }
  return (
    <Box flexDirection="column" width={layout.width} height={layout.rootHeight} overflow="hidden">
      <Header header={vm.header} width={layout.header.width} theme={theme} />
      <Box flexDirection="column" width={layout.body.width} height={layout.body.height} overflow="hidden">
        {body}
      </Box>
      {overlay.kind === "confirm" ? (
        <ConfirmDialog message={overlay.message} width={layout.hint.width} theme={theme} />
      ) : (
        <HintBar hints={hints} width={layout.hint.width} theme={theme} message={vm.flash} />
      )}
    </Box>
  );
}
