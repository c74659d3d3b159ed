/** For tests: the display messages (rich outputs) sent while some work runs, as a kernel would get them. */
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";

/** One message: `update` is false for the first show of a display, true when it replaces it in place. */
export type SentDisplay = { message: DisplayMessage; update: boolean };

/** Runs `fn` with the display sink captured; `onMessage` sees each message as it is sent. */
export async function captureDisplays<T>(fn: () => T | Promise<T>, onMessage: (s: SentDisplay) => void = () => undefined): Promise<{ value: T; sent: SentDisplay[] }> {
  const sent: SentDisplay[] = [];
  setDisplaySink((message, update) => {
    sent.push({ message, update });
    onMessage({ message, update });
  });
  try {
    return { value: await fn(), sent };
  } finally {
    setDisplaySink(null);
  }
}

/** The plain-text form of a sent message. */
export const displayText = (s: SentDisplay): string => s.message.data["text/plain"] as string;
