/** Reads all of stdin as text (for `--token-stdin`), trimmed. */
export async function readStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk as string;
  return text.trim();
}

/**
 * Asks for a secret on the terminal without echoing it. Ctrl-C cancels (exit 130);
 * Enter ends the answer; Backspace erases.
 */
export function promptSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve) => {
    let answer = "";
    const finish = () => {
      stdin.removeListener("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === "\r" || c === "\n") {
          finish();
          resolve(answer.trim());
          return;
        }
        if (c === "\u0003") {
          finish();
          process.exit(130);
        }
        answer = c === "\u007f" || c === "\b" ? answer.slice(0, -1) : answer + c;
      }
    };
    stdin.on("data", onData);
  });
}
