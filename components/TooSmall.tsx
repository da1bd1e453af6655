import { Box, Text } from "ink";

export interface TooSmallProps {
  message: string;
  width: number;
}

/** What is shown below the minimum size (layout() writes the message), wrapped so all of it is read. */
export function TooSmall({ message, width }: TooSmallProps) {
  return (
    <Box width={width}>
      <Text wrap="wrap">{message}</Text>
    </Box>
  );
}
