/*
 * test_spec.c: unit tests of spec.c (resource-type knowledge and Properties validation) on the vendored
 * cfn-lint schema data in spec_data.c.
 *
 * Ownership: each case parses its JSON with cJSON and deletes it before returning; reports are copied
 * into a fixed Reports buffer because spec_check_properties' messages die with the callback.
 * Exports spec_suite() for a shared runner; its own main() is left out when DRLC_UNIT_SHARED_MAIN is
 * defined.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, clock_gettime */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spec.h"

Suite *spec_suite(void);

enum { MAX_REPORTS = 16, MSG_LEN = 512 };

typedef struct {
  int n;
  char msg[MAX_REPORTS][MSG_LEN];
  char node[MAX_REPORTS][MSG_LEN]; /* the reported node, printed unformatted ("NULL" if none) */
} Reports;

/* Test JSON is written with ' for " to stay readable; this swaps them (no test value contains either). */
static void swap_quotes(char *s) {
  for (; *s; s++)
    if (*s == '\'' || *s == '"') *s = *s == '\'' ? '"' : '\'';
}

static void collect(void *ctx, const cJSON *node, const char *message) {
  Reports *r = ctx;
  if (r->n >= MAX_REPORTS) return;
  snprintf(r->msg[r->n], MSG_LEN, "%s", message);
  char *text = node ? cJSON_PrintUnformatted(node) : NULL;
  snprintf(r->node[r->n], MSG_LEN, "%s", text ? text : "NULL");
  swap_quotes(r->node[r->n]);
  cJSON_free(text);
  r->n++;
}

/* Parses test JSON written with ' for ". */
static cJSON *parse(const char *json) {
  char *copy = strdup(json);
  ck_assert_ptr_nonnull(copy);
  swap_quotes(copy);
  cJSON *value = cJSON_Parse(copy);
  free(copy);
  ck_assert_msg(value != NULL, "bad test JSON: %s", json);
  return value;
}

/* Checks `json` (NULL: no Properties) as Properties of `type`; returns the count, fills *r. */
static int check_json(const char *type, const char *json, Reports *r) {
  cJSON *props = json ? parse(json) : NULL;
  memset(r, 0, sizeof *r);
  int n = spec_check_properties(type, props, collect, r);
  cJSON_Delete(props);
  return n;
}

static void dump(const Reports *r) {
  for (int i = 0; i < r->n; i++) fprintf(stderr, "    report %d: %s\n", i, r->msg[i]);
}

/* ---- resources that must pass with zero reports ---------------------------------------------- */

typedef struct {
  const char *type, *json;
} Valid;

static const Valid valid_cases[] = {
    {"AWS::S3::Bucket",
     "{'BucketName':'pay-logs','VersioningConfiguration':{'Status':'Enabled'},"
     "'BucketEncryption':{'ServerSideEncryptionConfiguration':[{'ServerSideEncryptionByDefault':"
     "{'SSEAlgorithm':'aws:kms','KMSMasterKeyID':{'Ref':'Key'}}}]},"
     "'Tags':[{'Key':'team','Value':'payments'}]}"},
    {"AWS::S3::Bucket", NULL},
    {"AWS::Lambda::Function",
     "{'FunctionName':'pay','Runtime':'python3.12','Handler':'app.handler',"
     "'Role':{'Fn::GetAtt':['Role','Arn']},'Code':{'ZipFile':'def handler(e, c): pass'},"
     "'MemorySize':'256','Timeout':30,'ReservedConcurrentExecutions':{'Ref':'Conc'},"
     "'Environment':{'Variables':{'TABLE':{'Ref':'Table'},'DEBUG':'0'}},"
     "'Architectures':['arm64'],'Layers':{'Ref':'LayerList'},"
     "'TracingConfig':{'Mode':'Active'},'Tags':[{'Key':'k','Value':'v'}]}"},
    {"AWS::DynamoDB::GlobalTable",
     "{'TableName':'payments','BillingMode':'PAY_PER_REQUEST',"
     "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}],"
     "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}],"
     "'StreamSpecification':{'StreamViewType':'NEW_AND_OLD_IMAGES'},"
     "'Replicas':[{'Region':'us-east-1','PointInTimeRecoverySpecification':"
     "{'PointInTimeRecoveryEnabled':true}},"
     "{'Region':'us-west-2','PointInTimeRecoverySpecification':"
     "{'PointInTimeRecoveryEnabled':'true'},'Tags':[{'Key':'k','Value':'v'}]}]}"},
    {"AWS::Route53::HealthCheck",
     "{'HealthCheckConfig':{'Type':'HTTPS','FullyQualifiedDomainName':'api.example.com',"
     "'ResourcePath':'/health','Port':443,'RequestInterval':'30','FailureThreshold':3},"
     "'HealthCheckTags':[{'Key':'Name','Value':'api'}]}"},
    {"AWS::CloudWatch::Alarm",
     "{'AlarmName':'pay-errors','ComparisonOperator':'GreaterThanThreshold',"
     "'EvaluationPeriods':1,'MetricName':'Errors','Namespace':'AWS/Lambda','Period':60,"
     "'Statistic':'Sum','Threshold':'1.5','TreatMissingData':'notBreaching',"
     "'Dimensions':[{'Name':'FunctionName','Value':{'Ref':'Fn'}}],"
     "'AlarmActions':[{'Ref':'Topic'}]}"},
    {"AWS::SecretsManager::Secret",
     "{'Name':'pay/db','GenerateSecretString':{'PasswordLength':32,'ExcludePunctuation':true},"
     "'ReplicaRegions':[{'Region':'us-west-2','KmsKeyId':'alias/x'}]}"},
    {"AWS::SNS::Topic",
     "{'TopicName':'pay-events','FifoTopic':false,'DisplayName':42,"
     "'Subscription':[{'Endpoint':'ops@example.com','Protocol':'email'}],"
     "'ArchivePolicy':{'MessageRetentionPeriod':'30'}}"},
    {"AWS::Lambda::Url", "{'TargetFunctionArn':{'Ref':'Fn'},'AuthType':'NONE'}"},
    {"AWS::DynamoDB::Table",
     "{'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}],'BillingMode':'PROVISIONED',"
     "'TableClass':'STANDARD_INFREQUENT_ACCESS','SSESpecification':{'SSEEnabled':true,'SSEType':'KMS'},"
     "'ProvisionedThroughput':{'ReadCapacityUnits':5,'WriteCapacityUnits':'5'}}"},
    {"AWS::EC2::EIP", "{'Domain':'VPC'}"}, /* enumCaseInsensitive, from a cfn-lint patch */
    {"Custom::PaymentSeed", "{'ServiceToken':{'Fn::GetAtt':['Seed','Arn']},'Rows':[1,2]}"},
    /* intrinsics where objects, lists and scalars go */
    {"AWS::SNS::Topic", "{'Fn::If':['C',{'TopicName':'a'},{'Ref':'AWS::NoValue'}]}"},
    {"AWS::SecretsManager::Secret", "{'ReplicaRegions':{'Fn::If':['Two',[{'Region':'us-west-2'}],"
                                    "{'Ref':'AWS::NoValue'}]}}"},
    {"AWS::SecretsManager::Secret", "{'ReplicaRegions':[{'Fn::If':['C',{'Region':'us-west-2'},"
                                    "{'Ref':'AWS::NoValue'}]}]}"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':{'Fn::Split':[',','x']}}"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':{'Ref':'AWS::NoValue'}}"},
    {"AWS::CloudWatch::Alarm", "{'ComparisonOperator':{'Fn::FindInMap':['M','K','V']},"
                               "'EvaluationPeriods':{'Fn::Sub':'${N}'},"
                               "'Dimensions':[{'Fn::If':['C',{'Name':'a','Value':'b'},"
                               "{'Ref':'AWS::NoValue'}]}]}"},
    {"AWS::Lambda::Function", "{'Code':{'ZipFile':{'Fn::Join':['',['a']]}},'Role':{'Ref':'R'},"
                              "'Timeout':{'Fn::If':['C','10',30]}}"},
};

START_TEST(test_valid_resources) {
  const Valid *v = &valid_cases[_i];
  Reports r;
  int n = check_json(v->type, v->json, &r);
  if (n != 0) dump(&r);
  ck_assert_msg(n == 0, "case %d (%s): %d reports, first: %s", _i, v->type, n, r.msg[0]);
}
END_TEST

/* ---- one problem each: the message and the node it points at --------------------------------- */

typedef struct {
  const char *type, *json;
  int count;               /* reports expected */
  const char *message;     /* exact text of the first report */
  const char *node;        /* the first report's node, printed unformatted (with ' for ") */
} Bad;

static const Bad bad_cases[] = {
    /* unknown properties, with and without a suggestion */
    {"AWS::S3::Bucket", "{'BucketNme':'x'}", 1,
     "unknown property 'BucketNme' for AWS::S3::Bucket; did you mean 'BucketName'?", "'x'"},
    {"AWS::S3::Bucket", "{'bucketname':'x'}", 1,
     "unknown property 'bucketname' for AWS::S3::Bucket; did you mean 'BucketName'?", "'x'"},
    {"AWS::SNS::Topic", "{'Zzzzzzzz':1}", 1, "unknown property 'Zzzzzzzz' for AWS::SNS::Topic", "1"},
    {"AWS::DynamoDB::GlobalTable",
     "{'Replicas':[{'Region':'us-east-1','PointInTimeRecoverySpecification':"
     "{'PointInTimeRecoveryEnable':true}}]}",
     1,
     "unknown property 'PointInTimeRecoveryEnable' in 'Replicas[0].PointInTimeRecoverySpecification' of "
     "AWS::DynamoDB::GlobalTable; did you mean 'PointInTimeRecoveryEnabled'?",
     "true"},
    {"AWS::Route53::HealthCheck", "{'HealthCheckConfig':{'Type':'TCP','Prot':80}}", 1,
     "unknown property 'Prot' in 'HealthCheckConfig' of AWS::Route53::HealthCheck; did you mean 'Port'?",
     "80"},
    /* missing required properties */
    {"AWS::DynamoDB::GlobalTable", "{}", 1,
     "missing required property 'Replicas' in AWS::DynamoDB::GlobalTable", "{}"},
    {"AWS::DynamoDB::GlobalTable", NULL, 1,
     "missing required property 'Replicas' in AWS::DynamoDB::GlobalTable", "NULL"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':[{'Region':'us-east-1'},{'TableClass':'STANDARD'}]}", 1,
     "missing required property 'Region' in 'Replicas[1]' of AWS::DynamoDB::GlobalTable",
     "{'TableClass':'STANDARD'}"},
    {"AWS::Route53::HealthCheck", "{'HealthCheckConfig':{'Port':80}}", 1,
     "missing required property 'Type' in 'HealthCheckConfig' of AWS::Route53::HealthCheck", "{'Port':80}"},
    {"AWS::CloudWatch::Alarm",
     "{'ComparisonOperator':'LessThanThreshold','EvaluationPeriods':1,'Dimensions':[{'Name':'x'}]}", 1,
     "missing required property 'Value' in 'Dimensions[0]' of AWS::CloudWatch::Alarm", "{'Name':'x'}"},
    {"AWS::SNS::Topic", "{'Subscription':[{'Endpoint':'x'}]}", 1,
     "missing required property 'Protocol' in 'Subscription[0]' of AWS::SNS::Topic", "{'Endpoint':'x'}"},
    {"AWS::SecretsManager::Secret", "{'ReplicaRegions':[{'Regoin':'us-west-2'}]}", 2,
     "unknown property 'Regoin' in 'ReplicaRegions[0]' of AWS::SecretsManager::Secret; "
     "did you mean 'Region'?",
     "'us-west-2'"},
    /* enums: literal strings only, case-sensitive */
    {"AWS::CloudWatch::Alarm", "{'ComparisonOperator':'GreaterThan','EvaluationPeriods':1}", 1,
     "'ComparisonOperator' must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, "
     "GreaterThanUpperThreshold, LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, "
     "LessThanOrEqualToThreshold, LessThanThreshold; got 'GreaterThan'",
     "'GreaterThan'"},
    {"AWS::S3::Bucket", "{'AccessControl':'private'}", 1,
     "'AccessControl' must be one of AuthenticatedRead, AwsExecRead, BucketOwnerFullControl, "
     "BucketOwnerRead, LogDeliveryWrite, Private, PublicRead, PublicReadWrite; got 'private'; "
     "did you mean 'Private'?",
     "'private'"},
    {"AWS::Route53::HealthCheck", "{'HealthCheckConfig':{'Type':'HTTP_STR_MACH'}}", 1,
     "'HealthCheckConfig.Type' must be one of CALCULATED, CLOUDWATCH_METRIC, HTTP, HTTPS, HTTPS_STR_MATCH, "
     "HTTP_STR_MATCH, RECOVERY_CONTROL, TCP; got 'HTTP_STR_MACH'; did you mean 'HTTP_STR_MATCH'?",
     "'HTTP_STR_MACH'"},
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','PackageType':'zip'}", 1,
     "'PackageType' must be one of Image, Zip; got 'zip'; did you mean 'Zip'?", "'zip'"},
    /* enums only cfn-lint's schema patches give (its shipped schemas lack them; gen-spec.py applies the
     * patches again), at the top level, below a list, and one the patch makes case-insensitive */
    {"AWS::DynamoDB::Table", "{'KeySchema':[],'BillingMode':'ON_DEMAND'}", 1,
     "'BillingMode' must be one of PAY_PER_REQUEST, PROVISIONED; got 'ON_DEMAND'", "'ON_DEMAND'"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':[],'BillingMode':'PAY_PER_REQUST'}", 1,
     "'BillingMode' must be one of PAY_PER_REQUEST, PROVISIONED; got 'PAY_PER_REQUST'; "
     "did you mean 'PAY_PER_REQUEST'?",
     "'PAY_PER_REQUST'"},
    {"AWS::DynamoDB::Table",
     "{'KeySchema':[],'GlobalSecondaryIndexes':[{'IndexName':'i','KeySchema':[],"
     "'Projection':{'ProjectionType':'all'}}]}",
     1,
     "'GlobalSecondaryIndexes[0].Projection.ProjectionType' must be one of ALL, INCLUDE, KEYS_ONLY; "
     "got 'all'; did you mean 'ALL'?",
     "'all'"},
    {"AWS::EC2::EIP", "{'Domain':'vpn'}", 1,
     "'Domain' must be one of standard, vpc; got 'vpn'; did you mean 'vpc'?", "'vpn'"},
    /* types */
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','ReservedConcurrentExecutions':'lots'}", 1,
     "'ReservedConcurrentExecutions' expects a number, got a string", "'lots'"},
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','MemorySize':'128.5'}", 1,
     "'MemorySize' expects an integer, got '128.5'", "'128.5'"},
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','Timeout':true}", 1,
     "'Timeout' expects a number, got a boolean", "true"},
    {"AWS::Lambda::Function", "{'Code':'s3://x','Role':'r'}", 1, "'Code' expects an object, got a string",
     "'s3://x'"},
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','Environment':{'Variables':['A=1']}}", 1,
     "'Environment.Variables' expects an object, got a list", "['A=1']"},
    {"AWS::S3::Bucket", "{'Tags':{'team':'payments'}}", 1, "'Tags' expects a list, got an object",
     "{'team':'payments'}"},
    {"AWS::S3::Bucket", "{'BucketName':['a']}", 1, "'BucketName' expects a string, got a list", "['a']"},
    {"AWS::S3::Bucket", "{'BucketName':null}", 1, "'BucketName' expects a string, got null", "null"},
    {"AWS::SNS::Topic", "{'FifoTopic':'yes'}", 1, "'FifoTopic' expects a boolean, got a string", "'yes'"},
    {"AWS::SNS::Topic", "{'ArchivePolicy':[1]}", 1,
     "'ArchivePolicy' expects a string or an object, got a list", "[1]"},
    {"AWS::DynamoDB::GlobalTable",
     "{'Replicas':[{'Region':'us-east-1','PointInTimeRecoverySpecification':"
     "{'PointInTimeRecoveryEnabled':'on'}}]}",
     1,
     "'Replicas[0].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled' expects a boolean, "
     "got a string",
     "'on'"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':{'Region':'us-east-1'}}", 1,
     "'Replicas' expects a list, got an object", "{'Region':'us-east-1'}"},
    {"AWS::CloudWatch::Alarm",
     "{'ComparisonOperator':'LessThanThreshold','EvaluationPeriods':1,'Dimensions':{'Name':'x'}}", 1,
     "'Dimensions' expects a list, got an object", "{'Name':'x'}"},
    {"AWS::SecretsManager::Secret", "{'ReplicaRegions':'us-west-2'}", 1,
     "'ReplicaRegions' expects a list, got a string", "'us-west-2'"},
    {"AWS::SecretsManager::Secret", "[]", 1,
     "Properties of AWS::SecretsManager::Secret expects an object, got a list", "[]"},
    /* read-only properties */
    {"AWS::S3::Bucket", "{'Arn':'arn:aws:s3:::x'}", 1, "property 'Arn' of AWS::S3::Bucket is read-only",
     "'arn:aws:s3:::x'"},
    {"AWS::DynamoDB::GlobalTable", "{'Replicas':[{'Region':'us-east-1'}],'StreamArn':'x'}", 1,
     "property 'StreamArn' of AWS::DynamoDB::GlobalTable is read-only", "'x'"},
    {"AWS::Lambda::Function", "{'Code':{},'Role':'r','SnapStartResponse':{'ApplyOn':'None'}}", 1,
     "property 'SnapStartResponse' of AWS::Lambda::Function is read-only", "{'ApplyOn':'None'}"},
    /* Fn::If: both branches are checked */
    {"AWS::Lambda::Function",
     "{'Code':{},'Role':'r','ReservedConcurrentExecutions':{'Fn::If':['C','many',5]}}", 1,
     "'ReservedConcurrentExecutions' expects a number, got a string", "'many'"},
    {"AWS::SNS::Topic", "{'Fn::If':['C',{'TopicNam':'a'},{'FifoTopic':'x'}]}", 2,
     "unknown property 'TopicNam' for AWS::SNS::Topic; did you mean 'TopicName'?", "'a'"},
    /* several problems at once are all reported */
    {"AWS::S3::Bucket", "{'BucketNme':'x','Arn':'y','Tags':{},'AccessControl':'private'}", 4,
     "unknown property 'BucketNme' for AWS::S3::Bucket; did you mean 'BucketName'?", "'x'"},
};

START_TEST(test_bad_resources) {
  const Bad *b = &bad_cases[_i];
  Reports r;
  int n = check_json(b->type, b->json, &r);
  if (n != b->count || r.n == 0 || strcmp(r.msg[0], b->message) != 0) dump(&r);
  ck_assert_msg(n == b->count, "case %d (%s): %d reports, want %d", _i, b->type, n, b->count);
  ck_assert_int_eq(r.n, n);
  ck_assert_str_eq(r.msg[0], b->message);
  ck_assert_str_eq(r.node[0], b->node);
}
END_TEST

START_TEST(test_unknown_type) {
  Reports r;
  ck_assert_int_eq(check_json("AWS::S3::Buckt", "{}", &r), -1);
  ck_assert_int_eq(r.n, 0);
  ck_assert_int_eq(spec_check_properties(NULL, NULL, collect, &r), -1);
}
END_TEST

START_TEST(test_null_report_fn) {
  cJSON *props = parse("{'BucketNme':1,'Arn':2}");
  ck_assert_int_eq(spec_check_properties("AWS::S3::Bucket", props, NULL, NULL), 2);
  cJSON_Delete(props);
}
END_TEST

START_TEST(test_release_and_recheck) {
  Reports r;
  ck_assert_int_eq(check_json("AWS::S3::Bucket", "{'Arn':1}", &r), 1);
  spec_release();
  spec_release();
  ck_assert_int_eq(check_json("AWS::S3::Bucket", "{'Arn':1}", &r), 1);
}
END_TEST

/* ---- types -------------------------------------------------------------------------------------- */

START_TEST(test_types) {
  ck_assert(spec_type_known("AWS::S3::Bucket"));
  ck_assert(spec_type_known("AWS::DynamoDB::GlobalTable"));
  ck_assert(spec_type_known("Custom::Anything"));
  ck_assert(!spec_type_known("AWS::S3::Buckets"));
  ck_assert(!spec_type_known("aws::s3::bucket"));
  ck_assert(!spec_type_known(""));
  ck_assert(!spec_type_known(NULL));
  ck_assert_str_eq(spec_closest_type("AWS::S3::Buckets"), "AWS::S3::Bucket");
  ck_assert_str_eq(spec_closest_type("aws::s3::bucket"), "AWS::S3::Bucket");
  ck_assert_str_eq(spec_closest_type("AWS::Lambda::Fucntion"), "AWS::Lambda::Function");
  ck_assert_str_eq(spec_closest_type("AWS::DynamoDB::GlobalTabel"), "AWS::DynamoDB::GlobalTable");
  ck_assert_ptr_null(spec_closest_type("Nothing::Like::This::At::All"));
  ck_assert_ptr_null(spec_closest_type(NULL));
}
END_TEST

START_TEST(test_regions) {
  ck_assert_uint_eq(spec_type_regions("AWS::S3::Bucket"), SPEC_REGION_US_EAST_1 | SPEC_REGION_US_WEST_2);
  ck_assert_uint_eq(spec_type_regions("AWS::Nope::Nope"), 0);
}
END_TEST

START_TEST(test_version) {
  const char *v = spec_version();
  ck_assert_ptr_nonnull(v);
  ck_assert(strlen(v) >= 5 && strchr(v, '.') != NULL);
}
END_TEST

/* ---- attributes --------------------------------------------------------------------------------- */

typedef struct {
  const char *type, *attr;
  bool has;
} Attr;

static const Attr attr_cases[] = {
    {"AWS::Lambda::Url", "FunctionUrl", true},
    {"AWS::Lambda::Url", "FunctionArn", true},
    {"AWS::S3::Bucket", "Arn", true},
    {"AWS::S3::Bucket", "DomainName", true},
    {"AWS::S3::Bucket", "RegionalDomainName", true},
    {"AWS::S3::Bucket", "Foo", false},
    {"AWS::S3::Bucket", "arn", false},
    {"AWS::S3::Bucket", "BucketName", false},
    {"AWS::DynamoDB::GlobalTable", "StreamArn", true},
    {"AWS::DynamoDB::GlobalTable", "Arn", true},
    {"AWS::DynamoDB::GlobalTable", "Foo", false},
    {"AWS::Lambda::Function", "Arn", true},
    {"AWS::Lambda::Function", "SnapStartResponse.ApplyOn", true},
    {"AWS::SNS::Topic", "TopicArn", true},
    {"AWS::SNS::Topic", "TopicName", true}, /* cfn-lint accepts every SNS::Topic property */
    {"AWS::SQS::Queue", "QueueUrl", true},
    {"AWS::RDS::DBInstance", "Endpoint.Address", true},
    {"AWS::CloudFormation::Stack", "Outputs.ApiUrl", true},
    {"AWS::CloudFormation::Stack", "Outputs", false},
    {"Custom::Seed", "AnythingAtAll", true},
    {"AWS::Nope::Nope", "Arn", false},
};

START_TEST(test_attributes) {
  const Attr *a = &attr_cases[_i];
  ck_assert_msg(spec_has_attribute(a->type, a->attr) == a->has, "%s.%s should %sexist", a->type, a->attr,
                a->has ? "" : "not ");
}
END_TEST

START_TEST(test_closest_attribute) {
  ck_assert_str_eq(spec_closest_attribute("AWS::Lambda::Url", "FunctionURL"), "FunctionUrl");
  ck_assert_str_eq(spec_closest_attribute("AWS::S3::Bucket", "Domainname"), "DomainName");
  ck_assert_str_eq(spec_closest_attribute("AWS::DynamoDB::GlobalTable", "StreamARN"), "StreamArn");
  ck_assert_ptr_null(spec_closest_attribute("AWS::S3::Bucket", "Zzzzzzzzzzz"));
  ck_assert_ptr_null(spec_closest_attribute("AWS::Nope::Nope", "Arn"));
}
END_TEST

/* ---- tags and physical names --------------------------------------------------------------------- */

START_TEST(test_taggable) {
  bool is_map = true;
  ck_assert(spec_type_taggable("AWS::S3::Bucket"));
  ck_assert_str_eq(spec_tags_property("AWS::S3::Bucket", &is_map), "Tags");
  ck_assert(!is_map);
  ck_assert(spec_type_taggable("AWS::Lambda::Function"));
  ck_assert(spec_type_taggable("AWS::DynamoDB::GlobalTable")); /* per replica */
  ck_assert_str_eq(spec_tags_property("AWS::DynamoDB::GlobalTable", &is_map), "Replicas/*/Tags");
  ck_assert(!is_map);
  ck_assert(spec_type_taggable("AWS::SNS::Topic"));
  ck_assert(spec_type_taggable("AWS::SecretsManager::Secret"));
  ck_assert(spec_type_taggable("AWS::CloudWatch::Alarm"));
  ck_assert(spec_type_taggable("AWS::SSM::Parameter"));
  ck_assert_str_eq(spec_tags_property("AWS::SSM::Parameter", &is_map), "Tags");
  ck_assert(is_map);
  ck_assert(!spec_type_taggable("AWS::Lambda::Url"));
  ck_assert(!spec_type_taggable("AWS::Lambda::Permission"));
  ck_assert(!spec_type_taggable("AWS::S3::BucketPolicy"));
  ck_assert_ptr_null(spec_tags_property("AWS::Lambda::Permission", NULL));
  ck_assert(!spec_type_taggable("AWS::Nope::Nope"));
}
END_TEST

typedef struct {
  const char *type, *name; /* name NULL: none */
} Phys;

static const Phys phys_cases[] = {
    {"AWS::S3::Bucket", "BucketName"},
    {"AWS::Lambda::Function", "FunctionName"},
    {"AWS::DynamoDB::Table", "TableName"},
    {"AWS::DynamoDB::GlobalTable", "TableName"},
    {"AWS::SNS::Topic", "TopicName"},
    {"AWS::SQS::Queue", "QueueName"},
    {"AWS::CloudWatch::Alarm", "AlarmName"},
    {"AWS::IAM::Role", "RoleName"},
    {"AWS::SecretsManager::Secret", "Name"},
    {"AWS::Logs::LogGroup", "LogGroupName"},
    {"AWS::StepFunctions::StateMachine", "StateMachineName"},
    {"AWS::Route53::HostedZone", NULL},
    {"AWS::Route53::RecordSet", NULL},
    {"AWS::Route53::HealthCheck", NULL},
    {"AWS::Lambda::Url", NULL},
    {"AWS::Lambda::Permission", NULL},
    {"AWS::KMS::Key", NULL},
    {"AWS::Nope::Nope", NULL},
};

START_TEST(test_physical_names) {
  const Phys *p = &phys_cases[_i];
  const char *got = spec_physical_name_property(p->type);
  if (p->name) {
    ck_assert_msg(got != NULL, "%s: no physical name, want %s", p->type, p->name);
    ck_assert_str_eq(got, p->name);
  } else {
    ck_assert_msg(got == NULL, "%s: physical name %s, want none", p->type, got);
  }
}
END_TEST

/* ---- Lambda runtimes ------------------------------------------------------------------------------ */

static bool is_date(const char *s) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

START_TEST(test_runtimes) {
  const char *dep = NULL, *create = NULL, *succ = NULL;
  ck_assert(spec_runtime_info("python3.11", &dep, &create, &succ));
  ck_assert(is_date(dep));
  ck_assert(is_date(create));
  ck_assert(strcmp(dep, create) <= 0);
  ck_assert_ptr_nonnull(succ);
  ck_assert(strncmp(succ, "python3.", 8) == 0 && strcmp(succ, "python3.11") != 0);
  const char *update = spec_runtime_update_blocked("python3.11");
  ck_assert(is_date(update) && strcmp(create, update) <= 0);
  ck_assert(spec_runtime_info("python2.7", &dep, NULL, NULL));
  ck_assert(is_date(dep) && strcmp(dep, "2022-01-01") < 0);
  ck_assert(spec_runtime_info("nodejs12.x", NULL, NULL, &succ));
  ck_assert(strncmp(succ, "nodejs", 6) == 0);
  ck_assert(!spec_runtime_info("cobol85", &dep, &create, &succ));
  ck_assert_ptr_null(dep);
  ck_assert_ptr_null(succ);
  ck_assert_ptr_null(spec_runtime_update_blocked("cobol85"));
  ck_assert(!spec_runtime_info(NULL, NULL, NULL, NULL));
}
END_TEST

/* ---- performance ------------------------------------------------------------------------------------ */

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(test_speed) {
  Reports r;
  ck_assert_int_eq(check_json(valid_cases[3].type, valid_cases[3].json, &r), 0);
  cJSON *props = parse(valid_cases[3].json); /* the GlobalTable */
  double t0 = seconds();
  int problems = 0;
  for (int i = 0; i < 10000; i++) {
    problems += !spec_type_known("AWS::DynamoDB::GlobalTable");
    problems += !spec_has_attribute("AWS::DynamoDB::GlobalTable", "StreamArn");
    problems += spec_check_properties("AWS::DynamoDB::GlobalTable", props, NULL, NULL);
  }
  double elapsed = seconds() - t0;
  cJSON_Delete(props);
  fprintf(stderr, "spec: 10000 x (lookup + attribute + check of a GlobalTable): %.1f ms\n", elapsed * 1e3);
  ck_assert_int_eq(problems, 0);
  ck_assert_msg(elapsed < 5.0, "too slow: %.2f s", elapsed);
}
END_TEST

START_TEST(test_first_lookup_is_lazy) {
  spec_release();
  double t0 = seconds();
  Reports r;
  ck_assert_int_eq(check_json("AWS::QuickSight::Dashboard", "{}", &r), 3);
  double elapsed = seconds() - t0;
  fprintf(stderr, "spec: first check of AWS::QuickSight::Dashboard (largest schema): %.2f ms\n",
          elapsed * 1e3);
  ck_assert_msg(elapsed < 1.0, "too slow: %.2f s", elapsed);
}
END_TEST

Suite *spec_suite(void) {
  Suite *s = suite_create("spec");
  TCase *tc = tcase_create("spec");
  tcase_add_loop_test(tc, test_valid_resources, 0, (int)(sizeof valid_cases / sizeof *valid_cases));
  tcase_add_loop_test(tc, test_bad_resources, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
  tcase_add_test(tc, test_unknown_type);
  tcase_add_test(tc, test_null_report_fn);
  tcase_add_test(tc, test_release_and_recheck);
  tcase_add_test(tc, test_types);
  tcase_add_test(tc, test_regions);
  tcase_add_test(tc, test_version);
  tcase_add_loop_test(tc, test_attributes, 0, (int)(sizeof attr_cases / sizeof *attr_cases));
  tcase_add_test(tc, test_closest_attribute);
  tcase_add_test(tc, test_taggable);
  tcase_add_loop_test(tc, test_physical_names, 0, (int)(sizeof phys_cases / sizeof *phys_cases));
  tcase_add_test(tc, test_runtimes);
  tcase_add_test(tc, test_speed);
  tcase_add_test(tc, test_first_lookup_is_lazy);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return s;
}

#ifndef DRLC_UNIT_SHARED_MAIN
int main(void) {
  SRunner *sr = srunner_create(spec_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  spec_release();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
#endif
