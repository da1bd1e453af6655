import { type Key, useInput, useStdout } from "ink";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { FollowerForm } from "../../components/FollowerForm.js";
import { GroupForm } from "../../components/GroupForm.js";
import { Screen } from "../../components/Screen.js";
import type { Theme } from "../../components/theme.js";
import type { Config, Follower, Group } from "../../data/schema.js";
import { type Outcome, succeeded } from "../../engine/index.js";
import type { Actions } from "../process/actions.js";
import { type CommandId, confirmText, hintsFor, resolveBinding, type Scope } from "../screen/keymap.js";
import { layout } from "../screen/layout.js";
import { type Mode, type OverlayVM, PANE_ORDER, type SelectionVM } from "../screen/viewModel.js";
import type { EngineStore } from "../store/engineStore.js";
import { outcomeSentence } from "../text/outcomes.js";
import { buildScreen, keyContext } from "./buildScreen.js";

export interface AppProps {
  /** Every command the console can give; the screen itself reads only the store. */
  actions: Actions;
  store: EngineStore;
  mode: Mode;
  theme: Theme;
  onQuit: () => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** How often the clock, positions and latency refresh without an engine event. */
  tickMs?: number;
}

type FormState =
  | { kind: "group"; original?: Group | undefined }
  | { kind: "follower"; group: string; original?: Follower | undefined };

const INITIAL_SELECTION: SelectionVM = { focus: "groups", group: 0, follower: 0, fill: 0, alert: 0 };
const PAGE = 5;

/** The console: engine snapshot + config in, keys out to the controller. */
export function App({ actions, store, mode, theme, onQuit, size, tickMs = 1000 }: AppProps) {
  const terminal = useTerminalSize(size);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const config = snapshot.config;
  const now = useTicker(tickMs);
  const [selection, setSelection] = useState<SelectionVM>(INITIAL_SELECTION);
  const [helpOffset, setHelpOffset] = useState<number | undefined>(undefined);
  const [confirm, setConfirm] = useState<{ command: CommandId; message: string } | undefined>();
  const [form, setForm] = useState<FormState | undefined>();
  const [flash, setFlash] = useState<string | undefined>();

  const overlay: OverlayVM = form
    ? { kind: "form" }
    : confirm
      ? { kind: "confirm", message: confirm.message }
      : helpOffset !== undefined
        ? { kind: "help", offset: helpOffset }
        : { kind: "none" };

  const vm = buildScreen(snapshot, { mode, now }, selection, overlay, flash);
  const ctx = keyContext(vm, config);
  const scope: Scope = form
    ? "form"
    : confirm
      ? "confirm"
      : helpOffset !== undefined
        ? "help"
        : vm.selection.focus;
  const lay = layout(terminal.columns, terminal.rows);

  const report = useCallback((text: string) => setFlash(text), []);
  const reportResults = useCallback(
    (results: Outcome[]) => {
      const failed = results.filter((r) => !succeeded(r));
      report(
        results.length === 0
          ? "no followers"
          : failed.length === 0
            ? results.map(outcomeSentence).join("; ")
            : `FAILED ${failed.map(outcomeSentence).join("; ")}`,
      );
    },
    [report],
  );
  const reportOne = useCallback((o: Outcome) => reportResults([o]), [reportResults]);

  const group = config.groups[vm.selection.group];
  const follower = group?.followers[vm.selection.follower];

  const run = (command: CommandId): void => {
    switch (command) {
      case "quit":
        onQuit();
        return;
      case "cursor.up":
      case "cursor.down":
      case "cursor.pageUp":
      case "cursor.pageDown": {
        const step = { "cursor.up": -1, "cursor.down": 1, "cursor.pageUp": -PAGE, "cursor.pageDown": PAGE }[
          command
        ];
        setSelection((s) => moveCursor(s, step));
        return;
      }
      case "focus.next":
      case "focus.prev": {
        const dir = command === "focus.next" ? 1 : -1;
        setSelection((s) => {
          const at = PANE_ORDER.indexOf(s.focus);
          return { ...s, focus: PANE_ORDER[(at + dir + PANE_ORDER.length) % PANE_ORDER.length] ?? "groups" };
        });
        return;
      }
      case "help.open":
        setHelpOffset(0);
        return;
      case "help.close":
        setHelpOffset(undefined);
        return;
      case "help.scrollUp":
        setHelpOffset((o) => Math.max(0, (o ?? 0) - 1));
        return;
      case "help.scrollDown":
        setHelpOffset((o) => (o ?? 0) + 1);
        return;
      case "confirm.no":
        setConfirm(undefined);
        report("cancelled");
        return;
      case "confirm.yes": {
        const pending = confirm;
        setConfirm(undefined);
        if (pending) act(pending.command);
        return;
      }
      case "group.toggle":
        if (group) void actions.setGroupActive(group.name, !group.active).then(reportOne);
        return;
      case "follower.toggle":
        if (group && follower)
          void actions.setFollowerEnabled(group.name, follower.account, !follower.enabled).then(reportOne);
        return;
      case "follower.unlock":
        if (follower) void actions.unlock(follower.account).then(reportOne);
        return;
      case "group.new":
        setForm({ kind: "group" });
        return;
      case "group.edit":
        if (group) setForm({ kind: "group", original: group });
        return;
      case "follower.new":
        if (group) setForm({ kind: "follower", group: group.name });
        return;
      case "follower.edit":
        if (group && follower) setForm({ kind: "follower", group: group.name, original: follower });
        return;
      default: {
        const message = confirmText(command, ctx);
        if (message) setConfirm({ command, message });
      }
    }
  };

  /** The dangerous half of the commands: only ever reached through a y/N confirmation. */
  const act = (command: CommandId): void => {
    switch (command) {
      case "flatten.all":
        report("flattening all followers…");
        void actions.flatten({ all: true }).then(reportResults);
        return;
      case "group.flatten":
        if (group) {
          report(`flattening ${group.name}…`);
          void actions.flatten({ group: group.name }).then(reportResults);
        }
        return;
      case "follower.flatten":
        if (follower) {
          report(`flattening ${follower.account}…`);
          void actions.flatten({ follower: follower.account }).then(reportResults);
        }
        return;
      case "follower.resync":
        if (follower) void actions.resync(follower.account).then(reportOne);
        return;
      case "follower.delete":
        if (group && follower) void actions.deleteFollower(group.name, follower.account).then(reportOne);
        return;
      case "group.delete":
        if (group) void actions.deleteGroup(group.name).then(reportOne);
        return;
      default:
        return;
    }
  };

  // The handler is read through a ref set during render, so a key that arrives right after a
  // frame is drawn sees that frame's state (Ink installs a new useInput handler only in an effect).
  const onKey = useRef<(input: string, key: Key) => void>(() => undefined);
  onKey.current = (input, key) => {
    if (form) {
      // The form owns the keyboard; only the everywhere-keys (Ctrl+C) reach the app.
      if (key.ctrl && input === "c") onQuit();
      return;
    }
    const hit = resolveBinding(input, key, scope, ctx);
    if (!hit) {
      if (scope === "confirm") run("confirm.no");
      return;
    }
    if (hit.disabled) {
      report(`${hit.binding.label}: ${hit.disabled}`);
      return;
    }
    if (flash && !hit.command.startsWith("confirm")) setFlash(undefined);
    run(hit.command);
  };
  useInput((input, key) => onKey.current(input, key));

  const free = useMemo(() => freeAccounts(config), [config]);
  const formNode =
    form && !lay.tooSmall ? (
      form.kind === "group" ? (
        <GroupForm
          ctx={{
            freeAccounts: free,
            existingGroupNames: config.groups.filter((g) => g !== form.original).map((g) => g.name),
            existing: form.original,
          }}
          width={lay.body.width}
          height={lay.body.height}
          theme={theme}
          onSubmit={(g) => {
            setForm(undefined);
            void actions.saveGroup(form.original?.name, g).then(reportOne);
          }}
          onCancel={() => setForm(undefined)}
        />
      ) : (
        <FollowerForm
          ctx={{ freeAccounts: free, groupName: form.group, existing: form.original }}
          width={lay.body.width}
          height={lay.body.height}
          theme={theme}
          onSubmit={(f) => {
            setForm(undefined);
            void actions.saveFollower(form.group, form.original?.account, f).then(reportOne);
          }}
          onCancel={() => setForm(undefined)}
        />
      )
    ) : undefined;

  return <Screen vm={vm} layout={lay} hints={hintsFor(scope, ctx)} theme={theme} form={formNode} />;
}

function moveCursor(s: SelectionVM, step: number): SelectionVM {
  const at = (i: number) => Math.max(0, i + step);
  switch (s.focus) {
    case "groups":
      return { ...s, group: at(s.group), follower: 0 };
    case "followers":
      return { ...s, follower: at(s.follower) };
    case "fills":
      return { ...s, fill: at(s.fill) };
    case "alerts":
      return { ...s, alert: at(s.alert) };
  }
}

/** Accounts in no group, in any role: the only ones a form may offer. */
export function freeAccounts(config: Config) {
  const used = new Set(
    config.groups
      .flatMap((g) => [g.leader, ...g.followers.map((f) => f.account)])
      .map((a) => a.toUpperCase()),
  );
  return config.accounts
    .filter((a) => !used.has(a.name.toUpperCase()))
    .map((a) => ({ name: a.name, label: a.label }));
}

function useTicker(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function useTerminalSize(fixed: { columns: number; rows: number } | undefined) {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read only closes over stdout
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
