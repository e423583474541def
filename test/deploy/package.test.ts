import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../../infra/kafka/broker.js';
import { CONSUMER_TOPICS } from '../../src/shared/topics.js';
import { describeMatches, lintTemplates } from './support/cfn-lint.js';
import { bundleSource, type PackagedService, packageService } from './support/package.js';
import { type Resource, resourcesOfType, type Template } from './support/template.js';

/**
 * Zipped size budget per function (issue 11): 300 KB for an HTTP function, 400 KB for a consumer. The
 * bundles carry no source map, and the AWS SDK is bundled: docs/deploy.md ("Bundles") has the
 * measurements behind both choices (`BENCH_ONLY=bundles npm run bench` reports the figures).
 */
const KB = 1024;
const ZIP_BUDGET_BYTES: Record<string, number> = {
  openapi: 300 * KB,
  produce: 300 * KB,
  health: 300 * KB,
  admin: 300 * KB,
  events: 400 * KB,
  metrics: 400 * KB,
  logs: 400 * KB,
  orders: 400 * KB,
};

/** What serverless.yml leaves out of the bundles (custom.esbuild.exclude): never imported at module load. */
const EXCLUDED_MODULES = (
  parse(readFileSync(join(repositoryRoot, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: { exclude: string[] } };
  }
).custom.esbuild.exclude;

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** A role's statements; a conditional one (`Fn::If: [condition, statement, AWS::NoValue]`) counts. */
function statements(role: Resource): Statement[] {
  const policies = (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[];
  return policies
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .map((statement) => {
      const conditional = (statement as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      return conditional ? conditional[1] : (statement as Statement);
    });
}

const actions = (statement: Statement) => [statement.Action].flat();
const resources = (statement: Statement) => [statement.Resource].flat();

/** osls' logical id of a function: `events` -> `EventsLambdaFunction`. */
const logicalId = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

/** The topic an MSK topic ARN (`Fn::Join` of `<head>topic/<cluster path>/<topic>`) names. */
function topicOfArn(arn: unknown): string {
  const parts = (arn as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
  return String(parts.at(-1)).replace(/^\//, '');
}

function lambdaFunctions(template: Template) {
  return resourcesOfType(template, 'AWS::Lambda::Function');
}

describe.each([
  ['dev', {}],
  ['prod', {}],
  ['prod', { httpAuth: 'jwt', jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'kafka-api' }],
  [
    'dev',
    {
      schemaRegistryUrl: 'https://psrc-12345.eu-west-1.aws.confluent.cloud',
      schemaRegistrySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:schema-registry-AbCdEf',
      ordersSchemaRegistry: 'confluent',
    },
  ],
  [
    'prod',
    {
      ordersSchemaRegistry: 'glue',
      ordersGlueRegistryArn: 'arn:aws:glue:eu-west-1:123456789012:registry/shop',
      ordersEventRecordFormat: 'SOURCE',
    },
  ],
])('serverless package --stage %s %j, without AWS credentials', (stage, params: Record<string, string>) => {
  let packaged: PackagedService;
  beforeAll(async () => {
    packaged = await packageService(stage, params);
  });

  it('passes cfn-lint with zero errors', async () => {
    const { errors } = await lintTemplates([packaged.templatePath]);
    expect(describeMatches(errors)).toEqual([]);
  });

  it('authorizes every route', () => {
    const routes = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [id, route] of routes) {
      const expected = params.httpAuth === 'jwt' ? 'JWT' : 'AWS_IAM';
      expect(route.Properties?.AuthorizationType, id).toBe(expected);
      if (expected === 'JWT') expect(route.Properties?.AuthorizationScopes, id).toHaveLength(1);
    }
  });

  // Only the JWT run has scopes: the test exists there and nowhere else, rather than passing vacuously.
  if (params.httpAuth === 'jwt') {
    it('separates the produce and admin scopes under JWT', () => {
      const scopes = Object.fromEntries(
        resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Route').map(([, route]) => [
          route.Properties?.RouteKey,
          route.Properties?.AuthorizationScopes,
        ]),
      );
      expect(scopes['POST /v1/topics/{topic}/records']).toEqual(['kafka/produce']);
      expect(scopes['POST /v1/topics']).toEqual(['kafka/admin']);
      const [[, authorizer] = []] = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Authorizer');
      expect(authorizer?.Properties?.JwtConfiguration).toEqual({
        Audience: ['kafka-api'],
        Issuer: 'https://issuer.example.com/',
      });
    });
  }

  // Only the run with a registry has its secret: the test exists there and nowhere else.
  if (params.schemaRegistrySecretArn) {
    it('gives the produce function the schema registry and lets only its role read the secret', () => {
      const functions = Object.fromEntries(lambdaFunctions(packaged.template));
      const environment = functions.ProduceLambdaFunction?.Properties?.Environment as
        | { Variables?: Record<string, unknown> }
        | undefined;
      const variables = environment?.Variables;
      expect(variables).toMatchObject({
        SCHEMA_REGISTRY_URL: params.schemaRegistryUrl,
        SCHEMA_REGISTRY_SECRET_ARN: params.schemaRegistrySecretArn,
        SCHEMA_REGISTRY_CACHE_SECONDS: '60',
      });
      const readers = resourcesOfType(packaged.template, 'AWS::IAM::Role')
        .filter(([, role]) =>
          statements(role).some(
            (statement) =>
              actions(statement).includes('secretsmanager:GetSecretValue') &&
              JSON.stringify(resources(statement)).includes('SchemaRegistrySecretArn'),
          ),
        )
        .map(([id]) => id);
      expect(readers).toEqual(['ProduceRole']);
      expect(packaged.template.Parameters?.SchemaRegistrySecretArn?.Default).toBe(
        params.schemaRegistrySecretArn,
      );
    });
  }

  it('throttles the HTTP API stage and leaves CORS off', () => {
    const [[, stageResource] = []] = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Stage');
    expect(stageResource?.Properties?.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
    const [[, api] = []] = resourcesOfType(packaged.template, 'AWS::ApiGatewayV2::Api');
    expect(api?.Properties?.CorsConfiguration).toBeUndefined();
  });

  it('gives every function a role of its own kind, with no wildcard Kafka action or resource', () => {
    const roles = resourcesOfType(packaged.template, 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, role] of roles) {
      for (const statement of statements(role)) {
        const kafkaActions = actions(statement).filter((action) => /^kafka(-cluster)?:/.test(action));
        expect(
          kafkaActions.filter((action) => action.includes('*')),
          id,
        ).toEqual([]);
        if (kafkaActions.length > 0) expect(resources(statement), id).not.toContain('*');
        if (resources(statement).includes('*')) {
          // Only the ENI actions of a VPC function support no resource-level permissions.
          expect(
            actions(statement).every((action) => action.startsWith('ec2:')),
            id,
          ).toBe(true);
        }
        expect(actions(statement), id).not.toContain('*');
      }
    }
    for (const [id, fn] of lambdaFunctions(packaged.template)) {
      expect(fn.Properties?.Role, id).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Role$/), 'Arn'] });
    }
  });

  it('lets only the produce role write data, and only the admin role manage topics and groups', () => {
    const roleActions = Object.fromEntries(
      resourcesOfType(packaged.template, 'AWS::IAM::Role').map(([id, role]) => [
        id,
        statements(role).flatMap(actions),
      ]),
    );
    for (const [id, granted] of Object.entries(roleActions)) {
      if (id !== 'ProduceRole' && !/Consumer|Events|Logs|Metrics/.test(id)) {
        expect(granted, id).not.toContain('kafka-cluster:WriteData');
      }
      if (id !== 'AdminRole') {
        expect(granted, id).not.toContain('kafka-cluster:DeleteTopic');
        expect(granted, id).not.toContain('kafka-cluster:CreateTopic');
      }
    }
    expect(roleActions.ProduceRole).toEqual(
      expect.arrayContaining([
        'kafka-cluster:Connect',
        'kafka-cluster:WriteData',
        'kafka-cluster:WriteDataIdempotently',
      ]),
    );
  });

  it("lets the produce function write the orders topic and the consumers' inputs, and no other topic", () => {
    const [[, produceRole] = []] = resourcesOfType(packaged.template, 'AWS::IAM::Role').filter(
      ([id]) => id === 'ProduceRole',
    );
    const written = statements(produceRole as Resource)
      .filter((statement) => actions(statement).includes('kafka-cluster:WriteData'))
      .flatMap(resources)
      .map(topicOfArn)
      .sort();
    expect(written).toEqual(
      Object.values(CONSUMER_TOPICS)
        .map((topics) => topics.input.name)
        .sort(),
    );
  });

  it('runs every function in the VPC of the infrastructure stack, on arm64 and nodejs24.x', () => {
    for (const [id, fn] of lambdaFunctions(packaged.template)) {
      expect(fn.Properties?.VpcConfig, id).toEqual({
        SubnetIds: {
          'Fn::Split': [',', { 'Fn::ImportValue': `kafka-runtime-infra-${stage}-PrivateSubnetIds` }],
        },
        SecurityGroupIds: [{ 'Fn::ImportValue': `kafka-runtime-infra-${stage}-FunctionsSecurityGroupId` }],
      });
      expect(fn.Properties?.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties?.Runtime, id).toBe('nodejs24.x');
    }
  });

  it('subscribes each consumer to its MSK topic with the settings chosen in serverless/consumer-events.yml', () => {
    const mappings = Object.fromEntries(
      resourcesOfType(packaged.template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => {
        const { EventSourceArn, FunctionName: _function, ...settings } = mapping.Properties ?? {};
        expect(EventSourceArn).toEqual({ 'Fn::ImportValue': `kafka-runtime-infra-${stage}-ClusterArn` });
        return [(settings.Topics as string[])[0], settings];
      }),
    );
    const group = (name: string) => ({ ConsumerGroupId: `kafka-lambda-runtime-${stage}-${name}` });
    // prod runs consumerMode provisioned: partial batch responses need provisioned pollers.
    const mode =
      stage === 'prod'
        ? {
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
          }
        : {};
    expect(mappings).toEqual({
      events: {
        ...mode,
        Topics: ['events'],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 0,
        AmazonManagedKafkaEventSourceConfig: group('events'),
        FilterCriteria: {
          Filters: [
            {
              Pattern: JSON.stringify({
                value: { type: [{ prefix: 'user.' }, { prefix: 'order.' }, 'click'] },
              }),
            },
          ],
        },
      },
      logs: {
        ...mode,
        Topics: ['logs'],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 5,
        AmazonManagedKafkaEventSourceConfig: group('logs'),
      },
      metrics: {
        ...mode,
        Topics: ['metrics'],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 5000,
        MaximumBatchingWindowInSeconds: 10,
        AmazonManagedKafkaEventSourceConfig: group('metrics'),
      },
      ...ordersMapping(),
    });
  });

  /** The orders mapping the stage's params ask for: provisioned, through its schema registry, or none. */
  function ordersMapping() {
    const registry = params.ordersSchemaRegistry ?? 'none';
    if (registry === 'none') return {};
    const SchemaRegistryConfig =
      registry === 'glue'
        ? { SchemaRegistryURI: params.ordersGlueRegistryArn }
        : {
            SchemaRegistryURI: params.schemaRegistryUrl,
            AccessConfigs: [{ Type: 'BASIC_AUTH', URI: params.schemaRegistrySecretArn }],
          };
    return {
      orders: {
        Topics: ['orders'],
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
        AmazonManagedKafkaEventSourceConfig: {
          ConsumerGroupId: `kafka-lambda-runtime-${stage}-orders`,
          SchemaRegistryConfig: {
            ...SchemaRegistryConfig,
            EventRecordFormat: params.ordersEventRecordFormat ?? 'JSON',
            SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
          },
        },
      },
    };
  }

  // Only the runs with an orders registry have its IAM: the test exists there and nowhere else.
  if (params.ordersSchemaRegistry && params.ordersSchemaRegistry !== 'none') {
    it('lets only the orders role use the orders registry, and waits for that before creating the mapping', () => {
      const policies = resourcesOfType(packaged.template, 'AWS::IAM::Policy');
      expect(policies.map(([id]) => id)).toEqual(['OrdersLambdaFunctionSchemaRegistryPolicy']);
      const [[, policy] = []] = policies;
      expect(policy?.Properties?.Roles).toEqual([{ Ref: 'OrdersConsumerRole' }]);
      const granted = (policy?.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)
        ?.Statement;
      expect(granted).toEqual(
        params.ordersSchemaRegistry === 'glue'
          ? [
              { Effect: 'Allow', Action: ['glue:GetRegistry'], Resource: params.ordersGlueRegistryArn },
              {
                Effect: 'Allow',
                Action: ['glue:GetSchemaVersion'],
                Resource: [params.ordersGlueRegistryArn, 'arn:aws:glue:eu-west-1:123456789012:schema/shop/*'],
              },
            ]
          : [
              {
                Effect: 'Allow',
                Action: ['secretsmanager:GetSecretValue'],
                Resource: [params.schemaRegistrySecretArn],
              },
            ],
      );
      const [[, mapping] = []] = resourcesOfType(packaged.template, 'AWS::Lambda::EventSourceMapping').filter(
        ([, resource]) => (resource.Properties?.Topics as string[] | undefined)?.[0] === 'orders',
      );
      expect([(mapping as { DependsOn?: string | string[] } | undefined)?.DependsOn].flat()).toContain(
        'OrdersLambdaFunctionSchemaRegistryPolicy',
      );
      const functions = Object.fromEntries(lambdaFunctions(packaged.template));
      const variables = (
        functions.OrdersLambdaFunction?.Properties?.Environment as
          | { Variables?: Record<string, unknown> }
          | undefined
      )?.Variables;
      expect(variables?.EVENT_RECORD_FORMAT).toBe(params.ordersEventRecordFormat ?? 'JSON');
    });
  }

  it('makes the consumer functions answer in the format their event sources expect', () => {
    const consumers = lambdaFunctions(packaged.template).filter(([id]) =>
      Object.keys(CONSUMER_TOPICS).some((name) => id === logicalId(name)),
    );
    expect(consumers).toHaveLength(Object.keys(CONSUMER_TOPICS).length);
    for (const [id, fn] of consumers) {
      // A schema registry needs a provisioned mapping: the orders function answers partially everywhere.
      const expected = stage === 'prod' || id === logicalId('orders') ? 'true' : 'false';
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      expect(variables?.REPORT_BATCH_ITEM_FAILURES, id).toBe(expected);
    }
  });

  it('subscribes each consumer to, and lets it write, the topics src/shared/topics.ts declares', () => {
    const functions = Object.fromEntries(lambdaFunctions(packaged.template));
    const mappings = resourcesOfType(packaged.template, 'AWS::Lambda::EventSourceMapping');
    for (const [name, topics] of Object.entries(CONSUMER_TOPICS)) {
      const functionId = logicalId(name);
      const [, mapping] =
        mappings.find(([, resource]) =>
          JSON.stringify(resource.Properties?.FunctionName).includes(functionId),
        ) ?? [];
      // A stage without an orders registry deploys the orders function without a trigger.
      if (name === 'orders' && (params.ordersSchemaRegistry ?? 'none') === 'none')
        expect(mapping).toBeUndefined();
      else expect(mapping?.Properties?.Topics, name).toEqual([topics.input.name]);
      const role = functions[functionId]?.Properties?.Role as { 'Fn::GetAtt': [string] } | undefined;
      const [roleId = ''] = role?.['Fn::GetAtt'] ?? [];
      const roleResource = packaged.template.Resources[roleId] as Resource;
      const topicsFor = (action: string) =>
        statements(roleResource)
          .filter((statement) => actions(statement).includes(action))
          .flatMap(resources)
          .map(topicOfArn)
          .sort();
      expect(topicsFor('kafka-cluster:ReadData'), name).toEqual([topics.input.name]);
      expect(topicsFor('kafka-cluster:WriteData'), name).toEqual(
        [topics.output.name, topics.deadLetter.name].sort(),
      );
    }
  });

  it('reaches the modules left out of the bundles only through dynamic imports', async () => {
    expect(EXCLUDED_MODULES.length).toBeGreaterThan(0);
    for (const name of Object.keys(packaged.zipBytes)) {
      const source = await bundleSource(packaged, name);
      for (const module of EXCLUDED_MODULES) {
        const quoted = `["']${module.replace(/[/.-]/g, '\\$&')}["']`;
        // A static import or a require would run at module load, and the module is not in the zip.
        expect(source, `${name}: ${module}`).not.toMatch(new RegExp(`(from|require\\()\\s*${quoted}`));
      }
    }
  });

  it('keeps each bundle within its size budget', () => {
    for (const [name, bytes] of Object.entries(packaged.zipBytes)) {
      expect(ZIP_BUDGET_BYTES[name], `a budget for ${name}`).toBeDefined();
      expect(bytes, name).toBeLessThanOrEqual(ZIP_BUDGET_BYTES[name] ?? 0);
    }
  });
});
