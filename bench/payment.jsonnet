// bench/payment.jsonnet: the payment stack of stdlib/payment.drl, written in Jsonnet, so that
// bench/run.sh can time drlc against a general-purpose configuration language doing the same
// work. It mirrors the DRL stdlib (one function per stdlib macro or helper) and produces the
// same template as drlc: the same parameters, conditions, resources, properties and outputs
// (bench/run.sh compares the two as JSON data). What drlc works out by itself (which region
// condition a resource needs, folding `primary ? a : b` inside a primary block, turning
// "${suffix}" into an Fn::Sub) is written out by hand here.
//
//   unit(id, name, code)  one payment unit: { resources: {...}, outputs: {...} }, every
//                         logical id starting with `id`
//   template(units)       the whole template around a list of units
// bench/stack.jsonnet calls them for N copies.

local primary = 'us-east-1';
local secondary = 'us-west-2';
local regions = [primary, secondary];
local peers(region) = [r for r in regions if r != region];

// ---- intrinsic functions ----
local ref(id) = { Ref: id };
local getAtt(id, attr) = { 'Fn::GetAtt': [id, attr] };
local sub(s) = { 'Fn::Sub': s };
local ifCond(cond, a, b) = { 'Fn::If': [cond, a, b] };
local byRegion(f) = ifCond('IsPrimary', f(primary), f(secondary));
local noValue = ref('AWS::NoValue');
local thisRegion = ref('AWS::Region');

// ---- core and iam ----
// A "${...}" string with deploy-time parts, as drlc writes it: an Fn::Sub.
local physicalName(kind) = sub(kind + '-${EnvironmentSuffix}');
// `region` is a region name where it is known, else null (the deploying region).
local regionText(region) = if region == null then '${AWS::Region}' else region;
local standardTags(region=null, extra=[]) = [
  { Key: 'Environment', Value: ref('EnvironmentSuffix') },
  { Key: 'Region', Value: if region == null then thisRegion else region },
] + extra;
local arnText(service, path, region=null) =
  'arn:${AWS::Partition}:' + service + ':' + regionText(region) + ':${AWS::AccountId}:' + path;
local allow(actions, resources) = { Effect: 'Allow', Action: actions, Resource: resources };
local policyDocument(statements) = { Version: '2012-10-17', Statement: statements };
local serviceTrust(service) = policyDocument([
  { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' },
]);
local serviceRole(kind, service, statements, region=null) = {
  Type: 'AWS::IAM::Role',
  Properties: {
    RoleName: sub(kind + '-${EnvironmentSuffix}-' + regionText(region)),
    AssumeRolePolicyDocument: serviceTrust(service),
    Policies: [{ PolicyName: kind, PolicyDocument: policyDocument(statements) }],
    Tags: standardTags(region),
  },
};

// ---- dynamodb and secrets ----
local tableArnText(name) = arnText('dynamodb', 'table/' + name);
local itemAccess(name) = [
  allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
        [sub(tableArnText(name)), sub(tableArnText(name) + '/index/*')]),
];
local globalTable(name, key='pk') = {
  Type: 'AWS::DynamoDB::GlobalTable',
  Condition: 'IsPrimary',
  Properties: {
    TableName: physicalName(name),
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    Replicas: [{
      Region: r,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      Tags: standardTags(r),
    } for r in regions],
  },
};
local secretRead(name) = [
  allow(['secretsmanager:GetSecretValue'], sub(arnText('secretsmanager', 'secret:' + name + '-??????'))),
];
local replicatedSecret(name, length=48) = {
  Type: 'AWS::SecretsManager::Secret',
  Condition: 'IsPrimary',
  Properties: {
    Name: physicalName(name),
    GenerateSecretString: { PasswordLength: length, ExcludePunctuation: true },
    ReplicaRegions: [{ Region: r } for r in peers(primary)],
    Tags: standardTags(primary),
  },
};

// ---- s3 ----
local s3ArnText(path) = 'arn:${AWS::Partition}:s3:::' + path;
local bucketNameText(kind, region=null) = kind + '-${EnvironmentSuffix}-${AWS::AccountId}-' + regionText(region);
local secureBucket(id, kind, replication=noValue) = {
  [id]: {
    Type: 'AWS::S3::Bucket',
    Properties: {
      BucketName: sub(bucketNameText(kind)),
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      ReplicationConfiguration: replication,
      Tags: standardTags(),
    },
  },
  [id + 'Policy']: {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(id),
      PolicyDocument: policyDocument([{
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [getAtt(id, 'Arn'), sub('${' + id + '.Arn}/*')],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }]),
    },
  },
};
local replicatedBucket(id, kind, prefix) =
  secureBucket(id, kind, replication=ifCond('IsPrimary', {
    Role: getAtt(id + 'ReplicationRole', 'Arn'),
    Rules: [{
      Destination: { Bucket: sub(s3ArnText(bucketNameText(kind, r))) },
      Prefix: prefix,
      Status: 'Enabled',
    } for r in peers(primary)],
  }, noValue)) + {
    [id + 'ReplicationRole']: serviceRole(kind + '-replication', 's3.amazonaws.com', [
      allow(['s3:GetReplicationConfiguration', 's3:ListBucket'],
            sub(s3ArnText(bucketNameText(kind, primary)))),
      allow(['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
            sub(s3ArnText(bucketNameText(kind, primary) + '/' + prefix + '*'))),
      allow(['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            [sub(s3ArnText(bucketNameText(kind, r) + '/' + prefix + '*')) for r in peers(primary)]),
    ], region=primary) + { Condition: 'IsPrimary' },
  };

// ---- lambda ----
local urlHost(id) = { 'Fn::Select': [2, { 'Fn::Split': ['/', getAtt(id + 'Url', 'FunctionUrl')] }] };
local functionLogGroup(functionName, retentionDays=30) = {
  Type: 'AWS::Logs::LogGroup',
  Properties: {
    LogGroupName: sub('/aws/lambda/' + functionName + '-${EnvironmentSuffix}'),
    RetentionInDays: retentionDays,
    Tags: standardTags(),
  },
};
local functionRole(id, kind, statements) =
  serviceRole(kind, 'lambda.amazonaws.com',
              [allow(['logs:CreateLogStream', 'logs:PutLogEvents'], getAtt(id + 'Logs', 'Arn'))] + statements);
local pythonFunction(id, name, code, environment) = {
  Type: 'AWS::Lambda::Function',
  DependsOn: [id + 'Logs'],
  Properties: {
    FunctionName: physicalName(name),
    Runtime: ref('LambdaRuntime'),
    Handler: 'index.handler',
    Code: { ZipFile: code },
    Role: getAtt(id + 'Role', 'Arn'),
    MemorySize: 256,
    Timeout: 15,
    ReservedConcurrentExecutions: 100,
    Environment: { Variables: environment },
    Tags: standardTags(),
  },
};
local publicUrl(id) = {
  [id + 'Url']: {
    Type: 'AWS::Lambda::Url',
    Properties: { TargetFunctionArn: ref(id), AuthType: 'NONE' },
  },
  [id + 'UrlInvoke']: {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: ref(id),
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    },
  },
  [id + 'Invoke']: {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: ref(id),
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
    },
  },
};

// ---- route53 ----
local hostedZone(domain, condition) = {
  Type: 'AWS::Route53::HostedZone',
  Condition: condition,
  Properties: { Name: domain, HostedZoneTags: standardTags(primary) },
};
local httpsHealthCheck(name, host, inverted, path='/health') = {
  Type: 'AWS::Route53::HealthCheck',
  Properties: {
    HealthCheckConfig: {
      Type: 'HTTPS',
      FullyQualifiedDomainName: host,
      Port: 443,
      EnableSNI: true,
      ResourcePath: path,
      RequestInterval: 30,
      FailureThreshold: 3,
      Inverted: inverted,
    },
    HealthCheckTags: standardTags(extra=[{ Key: 'Name', Value: name }]),
  },
};
local weightedCname(zoneId, name, target, weight, healthCheck, condition, ttl=60) = {
  Type: 'AWS::Route53::RecordSet',
  Condition: condition,
  Properties: {
    HostedZoneId: zoneId,
    Name: name,
    Type: 'CNAME',
    TTL: std.toString(ttl),
    ResourceRecords: [target],
    SetIdentifier: sub('${AWS::Region}-${EnvironmentSuffix}'),  // two environments may share a zone
    Weight: weight,
    HealthCheckId: ref(healthCheck),
  },
};

// ---- monitoring ----
local alertTopic(id, name, email, publishers=['cloudwatch.amazonaws.com']) = {
  [id + 'Key']: {
    Type: 'AWS::KMS::Key',
    Properties: {
      Description: 'Encrypts the ' + id + ' topic',
      EnableKeyRotation: true,
      PendingWindowInDays: 7,
      KeyPolicy: policyDocument([
        { Effect: 'Allow', Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
          Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { Service: publishers },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
      ]),
      Tags: standardTags(),
    },
  },
  [id]: {
    Type: 'AWS::SNS::Topic',
    Properties: {
      TopicName: physicalName(name),
      KmsMasterKeyId: ref(id + 'Key'),
      Subscription: [{ Protocol: 'email', Endpoint: email }],
      Tags: standardTags(),
    },
  },
  [id + 'Policy']: {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [ref(id)],
      PolicyDocument: policyDocument([{
        Effect: 'Allow',
        Principal: { Service: publishers },
        Action: 'sns:Publish',
        Resource: ref(id),
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      }]),
    },
  },
};
// `dimensions` is a list of [name, value] pairs, in order.
local alarm(name, namespace, metric, dimensions, threshold, topic, statistic='Sum', period=300,
            periods=1, comparison='GreaterThanOrEqualToThreshold') = {
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: physicalName(name),
    Namespace: namespace,
    MetricName: metric,
    Dimensions: [{ Name: d[0], Value: d[1] } for d in dimensions],
    Statistic: statistic,
    Period: period,
    EvaluationPeriods: periods,
    Threshold: threshold,
    ComparisonOperator: comparison,
    TreatMissingData: 'notBreaching',
    AlarmActions: [ref(topic)],
    OKActions: [ref(topic)],
    Tags: standardTags(),
  },
};
local functionAlarms(id, kind, functionName, topic, threshold=5) = {
  [id + 'ErrorsAlarm']: alarm(kind + '-errors', 'AWS/Lambda', 'Errors',
                              [['FunctionName', functionName]], threshold, topic),
};
local tableAlarms(id, kind, tableName, topic, operations, maxReplicationMs=60000) = {
  [id + 'ReadThrottleAlarm']: alarm(kind + '-read-throttle', 'AWS/DynamoDB', 'ReadThrottleEvents',
                                    [['TableName', tableName]], 1, topic),
  [id + 'WriteThrottleAlarm']: alarm(kind + '-write-throttle', 'AWS/DynamoDB', 'WriteThrottleEvents',
                                     [['TableName', tableName]], 1, topic),
  [id + 'ReplicationAlarm']: alarm(kind + '-replication', 'AWS/DynamoDB', 'ReplicationLatency',
                                   [['TableName', tableName], ['ReceivingRegion', byRegion(function(r) peers(r)[0])]],
                                   maxReplicationMs, topic, statistic='Average', periods=2),
} + {
  [id + 'Throttled' + op + 'Alarm']: alarm(kind + '-throttled-' + std.asciiLower(op), 'AWS/DynamoDB',
                                           'ThrottledRequests', [['TableName', tableName], ['Operation', op]], 1, topic)
  for op in operations
};

// ---- the payment unit and the template ----
{
  unit(id, name, code, domain=ref('DomainName'), alertEmail=ref('AlertEmail'), record='api', auditPrefix='audit/'):: {
    local table = physicalName(name),
    local secret = physicalName(name + '-api-key'),
    local fn = id + 'Function',
    local zone = ifCond('HasHostedZoneId', ref('HostedZoneId'), ref(id + 'Zone')),
    local export(what) = { Name: sub('${AWS::StackName}-' + id + what) },

    resources: {
      [id + 'Table']: globalTable(name),
      [id + 'ApiKey']: replicatedSecret(name + '-api-key'),
      [fn + 'Logs']: functionLogGroup(name),
      [fn + 'Role']: functionRole(fn, name + '-fn', itemAccess(name + '-${EnvironmentSuffix}') +
                                                    secretRead(name + '-api-key-${EnvironmentSuffix}') + [
        allow(['s3:PutObject'], sub(s3ArnText(bucketNameText(name + '-audit') + '/' + auditPrefix + '*'))),
      ]),
      [fn]: pythonFunction(fn, name, code, {
        TABLE_NAME: table,
        AUDIT_BUCKET: ref(id + 'Audit'),
        AUDIT_PREFIX: auditPrefix,
        API_KEY_SECRET_ARN: secret,
        REGION_ROLE: ifCond('IsPrimary', 'primary', 'secondary'),
      }),
      [id + 'Zone']: hostedZone(domain, 'IsPrimaryAndCreateHostedZone'),
      [id + 'HealthCheck']: httpsHealthCheck(sub(name + '-${AWS::Region}-${EnvironmentSuffix}'), urlHost(fn),
                                             ifCond('FailoverDrillOn', true, false)),
      [id + 'Record']: weightedCname(ifCond('IsPrimary', zone, ref('HostedZoneId')),
                                     sub(record + '.${DomainName}'), urlHost(fn),
                                     ifCond('IsPrimary', 100, 0), id + 'HealthCheck', 'HasRecord'),
    } + replicatedBucket(id + 'Audit', name + '-audit', auditPrefix)
      + publicUrl(fn)
      + alertTopic(id + 'Alerts', name + '-alerts', alertEmail)
      + functionAlarms(fn, name, ref(fn), id + 'Alerts')
      + tableAlarms(id + 'Table', name, table, id + 'Alerts', ['GetItem', 'TransactWriteItems']),

    outputs: {
      [id + 'HostedZoneId']: { Value: zone, Export: export('HostedZoneId'), Condition: 'IsPrimary' },
      [id + 'NameServers']: {
        Value: { 'Fn::Join': [',', getAtt(id + 'Zone', 'NameServers')] },
        Condition: 'IsPrimaryAndCreateHostedZone',
      },
      [id + 'FunctionArn']: { Value: getAtt(fn, 'Arn'), Export: export('FunctionArn') },
      [id + 'FunctionUrl']: { Value: getAtt(fn + 'Url', 'FunctionUrl'), Export: export('FunctionUrl') },
      [id + 'TableName']: { Value: table, Export: export('TableName') },
      [id + 'BucketName']: { Value: ref(id + 'Audit'), Export: export('BucketName') },
      [id + 'TopicArn']: { Value: ref(id + 'Alerts'), Export: export('TopicArn') },
      [id + 'HealthCheckId']: { Value: ref(id + 'HealthCheck'), Export: export('HealthCheckId') },
    },
  },

  template(units):: {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Payment processing with multi-region disaster recovery',
    Parameters: {
      EnvironmentSuffix: {
        Type: 'String',
        Default: 'dev',
        Description: 'Appended to every resource name, so several environments can share an account',
        AllowedPattern: '^[a-z0-9-]{2,16}$',
      },
      AlertEmail: { Type: 'String', Description: 'Receives alarm and failover notifications' },
      DomainName: { Type: 'String', Default: 'pay.example.net', Description: 'Public name that Route 53 answers for' },
      LambdaRuntime: {
        Type: 'String',
        Default: 'python3.11',
        AllowedValues: ['python3.11', 'python3.12', 'python3.13', 'python3.14'],
        Description: 'Python runtime of the functions. python3.11 is deprecated (creation blocked from 2026-07-31): choose python3.13 or later for new stacks',
      },
      HostedZoneId: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^(Z[A-Z0-9]{1,31})?$',
        Description: "Hosted zone of the weighted records. Primary: leave empty to create the zone, or give an existing zone. Other regions: the primary stack's HostedZoneId output (their record waits until it is set)",
      },
      FailoverDrill: {
        Type: 'String',
        Default: 'false',
        AllowedValues: ['false', 'true'],
        Description: 'Failover drill: "true" inverts this region\'s health check, so Route 53 treats the region as unhealthy',
      },
    },
    Conditions: {
      IsPrimary: { 'Fn::Equals': [thisRegion, primary] },
      HasHostedZoneId: { 'Fn::Not': [{ 'Fn::Equals': [ref('HostedZoneId'), ''] }] },
      CreateHostedZone: { 'Fn::Equals': [ref('HostedZoneId'), ''] },
      FailoverDrillOn: { 'Fn::Equals': [ref('FailoverDrill'), 'true'] },
      HasRecord: { 'Fn::Or': [{ Condition: 'IsPrimary' }, { Condition: 'HasHostedZoneId' }] },
      IsPrimaryAndCreateHostedZone: { 'Fn::And': [{ Condition: 'IsPrimary' }, { Condition: 'CreateHostedZone' }] },
    },
    // Comprehensions rather than a fold of `+`: a chain of 1000 object extensions would make
    // every field lookup walk the chain.
    Resources: { [k]: u.resources[k] for u in units for k in std.objectFields(u.resources) },
    Outputs: { [k]: u.outputs[k] for u in units for k in std.objectFields(u.outputs) },
  },
}
