import { condition, defineSignal, setHandler, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** Lets held child workflow starts go ahead. */
export const releaseChildStarts = defineSignal('test:releaseChildStarts');

/**
 * Test-only workflow interceptor: every child workflow start waits until the test sends
 * {@link releaseChildStarts}. A test can so hold a lifecycle at "waiting for its callbacks to start", the last
 * await before its run closes, and deliver a message exactly there.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  let released = false;
  setHandler(releaseChildStarts, () => {
    released = true;
  });
  return {
    outbound: [
      {
        async startChildWorkflowExecution(input, next) {
          await condition(() => released);
          return next(input);
        },
      },
    ],
  };
};
