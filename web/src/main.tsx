/** The dashboard's entry: theme first (no flash), then the app. */
import { render } from "preact";
import { App } from "./views/App.js";
import { applyStoredTheme } from "./views/ThemeToggle.js";
import "./styles.css";

applyStoredTheme();
render(<App />, document.getElementById("app")!);
