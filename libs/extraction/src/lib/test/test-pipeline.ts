import { TOPICS } from '@fenx/kafka-contracts';
import type { ExtractionMetrics } from '../extraction-metrics';
import { ExtractionPipeline, ExtractionSpec } from '../extraction-pipeline';

/** The pipeline the Extractor int tests run a spec in: journey details out, short re-queue delays. */
export function testPipeline(spec: ExtractionSpec, metrics: ExtractionMetrics): ExtractionPipeline {
  return new ExtractionPipeline({
    spec,
    metrics,
    outputTopic: TOPICS.journeyDetails.name,
    concurrency: 4,
    recentIdsCapacity: 1000,
    requeue: { baseMs: 50, maxMs: 200, maxAttempts: 5 },
  });
}
