import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/kafka/broker.js';
import { describeMatches, lintTemplates } from './support/cfn-lint.js';
import {
  dig,
  loadTemplate,
  resourcesOfType,
  type SecurityGroupRule,
  securityGroupRules,
  type Template,
  target,
} from './support/template.js';

const templates = {
  network: join(repositoryRoot, 'infra', 'cloudformation', 'network-and-msk.yml'),
  scram: join(repositoryRoot, 'infra', 'cloudformation', 'scram-secret.yml'),
};

/** The rule each group declares only to drop the default allow-all egress; it matches no packet. */
const isPlaceholder = (rule: SecurityGroupRule) =>
  'cidr' in rule.peer && rule.peer.cidr === '255.255.255.255/32' && rule.protocol === 'icmp';

/** Rules as `direction peer protocol ports`, sorted: comparisons read like a firewall table. */
const summary = (rules: SecurityGroupRule[]) =>
  rules
    .map(
      (rule) =>
        `${rule.direction} ${Object.values(rule.peer)[0]} ${rule.protocol} ${rule.fromPort}-${rule.toPort}`,
    )
    .sort();

/** The summary line of a TCP rule for one port. */
const tcp = (direction: SecurityGroupRule['direction'], peer: string, port: number) =>
  `${direction} ${peer} tcp ${port}-${port}`;

describe('CloudFormation templates', () => {
  it('pass cfn-lint with no errors and no warnings', async () => {
    // Act
    // serverless.yml's default region, and us-east-1 for a second region's resource schemas.
    const { errors, warnings } = await lintTemplates(Object.values(templates), {
      regions: ['eu-west-1', 'us-east-1'],
    });

    // Assess
    expect(describeMatches(errors)).toEqual([]);
    expect(describeMatches(warnings)).toEqual([]);
  });

  it('reports errors in JSON templates too, as `serverless package` writes them', async () => {
    // Prepare
    const { template } = await loadTemplate(templates.network);
    const directory = await mkdtemp(join(tmpdir(), 'cfn-lint-'));
    const path = join(directory, 'template.json');
    const broken = structuredClone(template);
    Object.assign(broken.Resources.Vpc?.Properties ?? {}, { NotAProperty: true });
    await writeFile(path, JSON.stringify(broken, null, 2));

    try {
      // Act
      const { errors } = await lintTemplates([path]);

      // Assess
      expect(errors.map((match) => [match.Rule.Id, match.Filename, match.Location.Path])).toEqual([
        ['E3002', path, ['Resources', 'Vpc', 'Properties', 'NotAProperty']],
      ]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it.each(Object.entries(templates))(
    '%s is plain YAML: long-form intrinsics, no tags, no aliases',
    async (_, path) => {
      // Act
      const { problems, hasAliases, template } = await loadTemplate(path);

      // Assess
      expect(problems).toEqual([]);
      // CloudFormation's YAML does not accept aliases (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
      expect(hasAliases).toBe(false);
      expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    },
  );
});

describe('network-and-msk.yml', () => {
  let template: Template;
  let rules: SecurityGroupRule[];
  let groups: { functions: string; brokers: string; endpoints: string };

  beforeAll(async () => {
    ({ template } = await loadTemplate(templates.network));
    rules = securityGroupRules(template);
    // The groups are found by what uses them, not by their names.
    const [cluster] = resourcesOfType(template, 'AWS::MSK::ServerlessCluster');
    const endpointGroups = resourcesOfType(template, 'AWS::EC2::VPCEndpoint').map(([, endpoint]) =>
      target(dig(endpoint, 'Properties', 'SecurityGroupIds', 0)),
    );
    groups = {
      functions: target(dig(template, 'Outputs', 'FunctionsSecurityGroupId', 'Value')),
      brokers: target(dig(cluster?.[1], 'Properties', 'VpcConfigs', 0, 'SecurityGroups', 0)),
      endpoints: [...new Set(endpointGroups)].join(),
    };
  });

  it('has three distinct security groups: functions, brokers, endpoints', () => {
    // Assess
    const declared = resourcesOfType(template, 'AWS::EC2::SecurityGroup').map(([id]) => id);
    expect(new Set(Object.values(groups))).toEqual(new Set(declared));
    expect(declared).toHaveLength(3);
  });

  it('admits nothing from an address range, and sends nothing to the internet', () => {
    // Assess
    const fromRanges = rules.filter((rule) => rule.direction === 'ingress' && !('group' in rule.peer));
    const toAnywhere = rules.filter(
      (rule) => 'cidr' in rule.peer && (rule.peer.cidr === '0.0.0.0/0' || rule.peer.cidr === '::/0'),
    );
    expect(fromRanges).toEqual([]);
    expect(toAnywhere).toEqual([]);
    // Every group drops the default allow-all egress, and no other rule names an address range.
    expect(rules.filter((rule) => 'cidr' in rule.peer && !isPlaceholder(rule))).toEqual([]);
    expect(rules.filter(isPlaceholder).map((rule) => rule.group)).toEqual(
      expect.arrayContaining(Object.values(groups)),
    );
  });

  it('the brokers admit Kafka over IAM (9098) only from the functions and from event source mappings', () => {
    // Assess
    const ingress = rules.filter((rule) => rule.group === groups.brokers && rule.direction === 'ingress');
    // Lambda's MSK event source mappings poll through ENIs that carry the cluster's own group
    // (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html), hence the second rule.
    expect(summary(ingress)).toEqual(
      [tcp('ingress', groups.functions, 9098), tcp('ingress', groups.brokers, 9098)].sort(),
    );
  });

  it('the functions reach only the brokers on 9098 and the endpoints on 443, and admit nothing', () => {
    // Assess
    const own = rules.filter((rule) => rule.group === groups.functions && !isPlaceholder(rule));
    expect(summary(own)).toEqual(
      [tcp('egress', groups.brokers, 9098), tcp('egress', groups.endpoints, 443)].sort(),
    );
  });

  it('the endpoints admit HTTPS only, from the functions and from event source mappings', () => {
    // Assess
    const own = rules.filter((rule) => rule.group === groups.endpoints && !isPlaceholder(rule));
    expect(summary(own)).toEqual(
      [tcp('ingress', groups.functions, 443), tcp('ingress', groups.brokers, 443)].sort(),
    );
  });

  it('has private interface endpoints for Lambda, STS, Secrets Manager and the MSK API', () => {
    // Act
    const endpoints = resourcesOfType(template, 'AWS::EC2::VPCEndpoint').map(
      ([, { Properties }]) => Properties,
    );
    const services = JSON.stringify(endpoints.map((properties) => properties?.ServiceName));

    // Assess
    for (const service of ['.lambda', '.sts', '.secretsmanager', '.kafka'])
      expect(services).toContain(service);
    for (const properties of endpoints) {
      expect(properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    }
  });

  it('is private: no internet gateway, NAT gateway or public address', () => {
    // Assess
    const types = new Set(Object.values(template.Resources).map((resource) => resource.Type));
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP']) {
      expect(types).not.toContain(type);
    }
    for (const [, subnet] of resourcesOfType(template, 'AWS::EC2::Subnet')) {
      expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('runs an MSK Serverless cluster with IAM client authentication in the exported subnets', () => {
    // Act
    const clusters = resourcesOfType(template, 'AWS::MSK::ServerlessCluster');
    const cluster = clusters[0]?.[1];
    const [condition, threeAzs, twoAzs] = dig(
      cluster,
      'Properties',
      'VpcConfigs',
      0,
      'SubnetIds',
      'Fn::If',
    ) as [string, unknown, unknown];

    // Assess
    expect(clusters).toHaveLength(1);
    expect(dig(cluster, 'Properties', 'ClientAuthentication')).toEqual({ Sasl: { Iam: { Enabled: true } } });
    expect(dig(cluster, 'Properties', 'VpcConfigs', 1)).toBeUndefined();
    // The exported list joins the same subnets, in either branch of the AZ-count condition.
    expect(dig(template, 'Outputs', 'PrivateSubnetIds', 'Value')).toEqual({
      'Fn::If': [condition, { 'Fn::Join': [',', threeAzs] }, { 'Fn::Join': [',', twoAzs] }],
    });
  });

  it('exports what serverless.yml imports, under "<stack name>-<output>"', () => {
    // Assess
    for (const name of ['ClusterArn', 'PrivateSubnetIds', 'FunctionsSecurityGroupId', 'VpcId']) {
      expect(dig(template, 'Outputs', name, 'Export', 'Name')).toEqual({
        'Fn::Sub': `\${AWS::StackName}-${name}`,
      });
    }
  });
});

describe('scram-secret.yml', () => {
  it('names the secret AmazonMSK_... for MSK and encrypts it with its own rotating KMS key', async () => {
    // Act
    const { template } = await loadTemplate(templates.scram);
    const [secret] = resourcesOfType(template, 'AWS::SecretsManager::Secret');
    const [condition, forMsk] = dig(secret?.[1], 'Properties', 'Name', 'Fn::If') as [string, unknown];
    const key = template.Resources[target(dig(secret?.[1], 'Properties', 'KmsKeyId'))];

    // Assess
    expect(dig(template, 'Conditions', condition)).toEqual({ 'Fn::Equals': [{ Ref: 'Target' }, 'msk'] });
    expect(dig(forMsk, 'Fn::Sub')).toMatch(/^AmazonMSK_/);
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(dig(key, 'Properties', 'EnableKeyRotation')).toBe(true);
    // Lambda's Kafka event source mappings and the functions read {"username","password"}.
    expect(dig(secret?.[1], 'Properties', 'GenerateSecretString')).toMatchObject({
      SecretStringTemplate: { 'Fn::Sub': `{"username":"\${Username}"}` },
      GenerateStringKey: 'password',
    });
  });
});
