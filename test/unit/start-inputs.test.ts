import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { DefaultPayloadConverter, type LoadedDataConverter } from '@temporalio/common';
import { StartInputs } from '../../api/lifecycles/last-known.js';

// The history call is this unit's edge: a stand-in counts the calls and answers a started event with the input.
function temporalWithInputs(inputs: Record<string, unknown>) {
  const payloadConverter = new DefaultPayloadConverter();
  const calls: string[] = [];
  const temporal = {
    options: {
      namespace: 'default',
      loadedDataConverter: { payloadConverter, payloadCodecs: [], failureConverter: undefined },
    },
    workflowService: {
      getWorkflowExecutionHistory: async ({ execution }: { execution: { runId: string } }) => {
        calls.push(execution.runId);
        const payload = payloadConverter.toPayload(inputs[execution.runId]);
        return {
          history: { events: [{ workflowExecutionStartedEventAttributes: { input: { payloads: [payload] } } }] },
        };
      },
    },
  } as unknown as Client & { options: { loadedDataConverter: LoadedDataConverter } };
  return { temporal, calls };
}

const described = (runId: string) => ({ workflowId: 'cash-in:ref', runId }) as WorkflowExecutionDescription;

test('a run’s start input is read from Temporal once, then answered from what the API keeps', async () => {
  const { temporal, calls } = temporalWithInputs({ run1: { amountCentavos: 2590 }, run2: { amountCentavos: 100 } });
  const inputs = new StartInputs<{ amountCentavos: number }>(temporal);
  expect(await inputs.of(described('run1'))).toEqual({ amountCentavos: 2590 });
  expect(await inputs.of(described('run1'))).toEqual({ amountCentavos: 2590 });
  // A reopened lifecycle is a new run with an input of its own.
  expect(await inputs.of(described('run2'))).toEqual({ amountCentavos: 100 });
  expect(calls).toEqual(['run1', 'run2']);
});
