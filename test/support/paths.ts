/** Everything tests create on disk lives below this directory. */
export const TEST_ROOT = process.env.SKYRUN_TEST_ROOT ?? "/tmp/skyrun-test";
export const DEMO_IMAGE = "localhost/skyrun-demo:latest";
export const PYTHON_IMAGE = "localhost/skyrun-python:latest";
/** The python image plus stand-ins, at the same paths, for the tools the seed pages call. */
export const SEEDS_IMAGE = "localhost/skyrun-seeds:latest";
