import {
  applyAcls,
  ensureTopics,
  pipelineAcls,
  PIPELINE_APPS,
  PipelineApp,
  TopicMismatchError,
} from '@fenx/kafka';
import { TOPIC_MANIFEST } from '@fenx/kafka-contracts';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './errors';
import { CliIo } from './io';
import { cliKafka, kafkaSettingsFromEnv } from './settings';

/** `--principal radar=User:radar-prod`, repeatable: the apps' principals when they differ from `User:<app>`. */
function principal(value: string, previous: Partial<Record<PipelineApp, string>> = {}) {
  const [app, name] = [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)];
  if (!(PIPELINE_APPS as readonly string[]).includes(app) || !/^\w+:.+$/.test(name))
    throw new InvalidArgumentError(
      `expected <app>=<Type:name>, app one of ${PIPELINE_APPS.join(', ')} (e.g. radar=User:radar)`,
    );
  return { ...previous, [app]: name };
}

export function kafkaCommand(io: CliIo): Command {
  const cmd = new Command('kafka').description(
    'the pipeline’s topics and ACLs (KAFKA_* settings, admin rights)',
  );

  cmd
    .command('setup')
    .description(
      'create the manifest’s missing topics (as the apps do at start-up) and, with --acls, the apps’ ACLs; a rerun changes nothing, a topic that differs from the manifest fails naming the difference',
    )
    .option('--acls', 'also create the ACLs of every app (pipelineAcls)')
    .option(
      '--principal <app=Type:name>',
      'an app’s principal, when not User:<app> (repeatable)',
      principal,
      {},
    )
    .action(async (opts: { acls?: boolean; principal: Partial<Record<PipelineApp, string>> }) => {
      const settings = kafkaSettingsFromEnv(io.env);
      const kafka = cliKafka(settings);
      try {
        const result = await ensureTopics(kafka, settings, TOPIC_MANIFEST);
        io.out(
          `topics: ${result.created.length} created${result.created.length ? ` (${result.created.join(', ')})` : ''}, ${result.existing.length} already as the manifest says`,
        );
      } catch (e) {
        if (e instanceof TopicMismatchError) throw new CliError(e.message, EXIT.failure);
        throw e;
      }
      if (opts.acls) {
        const acls = pipelineAcls(opts.principal);
        await applyAcls(kafka, acls);
        io.out(`acls: ${acls.length} in place`);
      }
    });

  return cmd;
}
