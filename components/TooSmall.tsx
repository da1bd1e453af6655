import { Text } from "ink";
import { truncate } from "./text.js";

export interface TooSmallProps {
  message: string;
  width: number;
}

/** The one line shown below the minimum size (layout() writes the message). */
export function TooSmall({ message, width }: TooSmallProps) {
  return <Text wrap="truncate">{truncate(message, width)}</Text>;
}
