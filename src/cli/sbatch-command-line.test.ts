import { describe, expect, it } from "vitest";
import { parseSbatchCommandLine } from "./sbatch-command-line.js";

describe("skyrun sbatch's command line", () => {
  it("separates sbatch's options (values included), skyrun's own, the script, the image and the script's arguments", () => {
    expect(parseSbatchCommandLine(["-J", "fit", "--dry-run", "--time=5", "-c4", "--format", "json", "--url=http://h", "job.sh", "img", "--", "-v", "x"])).toMatchObject({
      sbatchOptions: ["-J", "fit", "--time=5", "-c4"], dryRun: true, format: "json", own: { url: "http://h", format: "json" },
      script: "job.sh", image: "img", scriptArgs: ["-v", "x"],
    });
    expect(parseSbatchCommandLine(["--parsable", "-Q", "-o", "out.txt", "job.sh"])).toMatchObject({ parsable: true, quiet: true, sbatchOptions: ["-o", "out.txt"], script: "job.sh", scriptArgs: [] });
    expect(parseSbatchCommandLine(["--", "job.sh"]).script).toBe("job.sh");
  });

  it("treats -h and -V before the script as skyrun's, and after it as the script's", () => {
    expect(parseSbatchCommandLine(["-h"]).help).toBe(true);
    expect(parseSbatchCommandLine(["job.sh", "img", "--", "-h"])).toMatchObject({ help: false, scriptArgs: ["-h"] });
  });

  it("refuses words after the image that are not behind --", () => {
    expect(() => parseSbatchCommandLine(["job.sh", "img", "a", "b"])).toThrow(/skyrun sbatch SCRIPT IMAGE -- a b/);
  });
});
