export { AnswerLostError, NoInstanceError, type SendOptions, sendControl } from "./client.js";
export {
  type ControlCommand,
  type ControlReply,
  type ControlRequest,
  type ControlRequestInput,
  type ControlResponse,
  type FlattenTarget,
  parseRequestLine,
  parseResponseLine,
} from "./protocol.js";
export { type ControlHandler, type ControlServer, startControlServer } from "./server.js";
export { controlSocketPath } from "./socketPath.js";
