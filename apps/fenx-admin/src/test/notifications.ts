/** The webhook body of a `journey:taskcompleted` notification of the test tenant, as FenX sends it. */
export function taskCompletedBody(id: string, journeyId: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      Id: id,
      TenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
      EventType: 'journey:taskcompleted',
      RelativeUrl: `journeyquery/api/journey-instance/${journeyId}`,
      Payload: {},
      When: '2026-11-23T10:00:00Z',
      CorrelationId: null,
      CausationId: null,
    }),
  );
}
