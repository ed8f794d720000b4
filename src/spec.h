/*
 * spec.h: what drlc knows about CloudFormation resource types.  Answers questions about AWS resource
 * types (does it exist, its GetAtt attributes, tags, physical-name property, Lambda runtime lifecycle)
 * and validates a resource's Properties, from AWS's resource provider schemas as vendored from cfn-lint
 * into spec_data.c by tools/gen-spec.py (see docs/spec-data.md).
 *
 * Ownership: every `const char *` returned points into static read-only data and stays valid for the
 * whole run (also after spec_release()).  A message passed to a spec_report_fn is valid only during
 * that call: copy it to keep it.  Arguments are only read, never kept.  The first validation of a type
 * parses that type's data into a cache (nothing else is parsed); spec_release() frees the cache.  Not
 * thread-safe: call from one thread at a time.
 */
#ifndef DRLC_SPEC_H
#define DRLC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Version of cfn-lint the data was generated from, e.g. "1.51.0". */
const char *spec_version(void);

/* "AWS::S3::Bucket" -> true.  Known means available in us-east-1 or us-west-2 (see
 * spec_type_regions).  "Custom::Anything" is known, as AWS::CloudFormation::CustomResource. */
bool spec_type_known(const char *type);

/* Regions in which a type is available: a mask of SPEC_REGION_*; 0 if the type is unknown. */
enum { SPEC_REGION_US_EAST_1 = 1, SPEC_REGION_US_WEST_2 = 2 };
unsigned spec_type_regions(const char *type);

/* The known type most like `type` (a case-insensitive match first, then the smallest edit distance
 * within a threshold), for "did you mean"; NULL if nothing is close. */
const char *spec_closest_type(const char *type);

/* Whether the type supports tags (schema `tagging.taggable`). */
bool spec_type_taggable(const char *type);

/* Where a taggable type's tags go, or NULL: a Properties-relative path, "Tags" nearly always.  Types
 * tagged below the top level give segments joined by '/', with '*' standing for each list item: for
 * AWS::DynamoDB::GlobalTable, the segments Replicas, *, Tags.  *is_map (if is_map is not NULL) is set
 * to true when the tags are an object of key -> value, false when a list of {"Key": .., "Value": ..}. */
const char *spec_tags_property(const char *type, bool *is_map);

/* The property that sets the resource's physical name ("BucketName", "FunctionName", "TableName",
 * "TopicName", "AlarmName", "RoleName", "Name" for AWS::SecretsManager::Secret, ...), or NULL if it has
 * none.  Derived by tools/gen-spec.py, rule in docs/spec-data.md. */
const char *spec_physical_name_property(const char *type);

/* Whether Fn::GetAtt [resource, attr] is valid for the type (what cfn-lint accepts); nested
 * attributes are dotted: "Endpoint.Address". */
bool spec_has_attribute(const char *type, const char *attr);

/* The attribute of `type` most like `attr` (same rule as spec_closest_type), or NULL. */
const char *spec_closest_attribute(const char *type, const char *attr);

/* Lambda runtime lifecycle (cfn-lint's table behind rules E2531, W2531 and E2533).  Returns false if
 * the runtime is not in the table (runtimes without a deprecation schedule are not in it).  Any out
 * pointer may be NULL; dates are "YYYY-MM-DD" or NULL. */
bool spec_runtime_info(const char *runtime, const char **deprecated, const char **create_blocked,
                       const char **successor);

/* The date from which functions on the runtime can no longer be updated, or NULL if not in the table. */
const char *spec_runtime_update_blocked(const char *runtime);

/* Called once per problem found by spec_check_properties.  `node` is the cJSON node the problem is
 * about: the offending value, the object that misses a required key, or the Properties object itself
 * (NULL when the resource has no Properties).  `message` is an English sentence fragment without a
 * trailing period, e.g.
 *   unknown property 'BucketNme' for AWS::S3::Bucket; did you mean 'BucketName'?
 *   missing required property 'Replicas' in AWS::DynamoDB::GlobalTable
 *   'ComparisonOperator' must be one of GreaterThanThreshold, LessThanThreshold, ...; got 'Greater'
 *   'ReservedConcurrentExecutions' expects a number, got a string
 *   'Tags' expects a list, got an object
 *   property 'Arn' of AWS::S3::Bucket is read-only
 * Values below the top level are named by their path ('Replicas[0].Region'), and objects by
 * "in 'Replicas[1]' of AWS::DynamoDB::GlobalTable". */
typedef void (*spec_report_fn)(void *ctx, const cJSON *node, const char *message);

/* Validate a resource's Properties object (NULL when the resource has none) against the schema of
 * `type`: unknown and read-only properties, missing required ones, value types, enums, at every level.
 * An intrinsic function (a one-key object whose key is Ref, Condition or Fn::*) is accepted wherever
 * a value may go; both branches of Fn::If are checked; {"Ref": "AWS::NoValue"} is accepted everywhere,
 * also for a required property.  Like CloudFormation (and cfn-lint), numeric strings pass as numbers,
 * "true"/"false" as booleans and numbers/booleans as strings.  `report` may be NULL (count only).
 * Returns the number of problems reported, or -1 (reporting nothing) if the type is unknown (report
 * that yourself with spec_closest_type) or memory ran out. */
int spec_check_properties(const char *type, const cJSON *properties, spec_report_fn report, void *ctx);

/* Free the cache of parsed schemas (optional; e.g. before exit under a leak checker).  The API stays
 * usable; the cache is rebuilt on demand. */
void spec_release(void);

/* ---- Internal: the generated tables in spec_data.c, read only by spec.c.
 * Offsets index spec_data_blob; see the header of spec_data.c. ---- */
enum { SPEC_F_TAGGABLE = 1, SPEC_F_TAGS_MAP = 2, SPEC_F_US_EAST_1 = 4, SPEC_F_US_WEST_2 = 8 };

struct spec_data_type {
  uint_least32_t name, attrs, read_only, physical_name, tags, body; /* offsets into spec_data_blob */
  uint_least8_t flags;                                              /* SPEC_F_* */
};

struct spec_data_runtime {
  const char *name, *deprecated, *create_blocked, *update_blocked, *successor;
};

extern const char spec_data_version[];
extern const char spec_data_blob[];
extern const size_t spec_data_blob_size;
extern const struct spec_data_type spec_data_types[];
extern const size_t spec_data_ntypes;
extern const struct spec_data_runtime spec_data_runtimes[];
extern const size_t spec_data_nruntimes;

#endif
