/** Option parsers shared by the commands. */

/** For repeatable options (`--resolver A --resolver B`): collects every value in order. */
export const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];
