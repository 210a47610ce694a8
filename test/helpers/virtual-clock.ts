// The test clocks live with the emulator's test helpers, so an emulator and the CLI runs of one test file share one clock.
export { busiestWindow, skippingClock, testClock, virtualClock, type VirtualClock } from '@luxeret/cloudflare-emulator/testing';
