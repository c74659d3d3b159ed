export const hello = (n: number): string => `hello ${n}`;
