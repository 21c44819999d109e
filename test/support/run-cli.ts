export { type CapturedRun as CliRun, runCaptured as runCli } from '@embedq/cli';
