/** Light, dark, or the system's choice; kept in this browser. */
import { useEffect, useState } from "preact/hooks";

const KEY = "skyrun.theme";
type Theme = "system" | "light" | "dark";

export function applyStoredTheme(): void {
  const t = (localStorage.getItem(KEY) ?? "system") as Theme;
  if (t === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>((localStorage.getItem(KEY) ?? "system") as Theme);
  useEffect(() => {
    localStorage.setItem(KEY, theme);
    applyStoredTheme();
  }, [theme]);
  return (
    <label class="theme">
      Theme{" "}
      <select value={theme} onChange={(e) => setTheme(e.currentTarget.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
