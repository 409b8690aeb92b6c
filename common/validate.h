/* SPDX-License-Identifier: Apache-2.0 */
/* Validation of config.json, state.json and features.json: schema rules and the spec's MUSTs. */
#pragma once

#include <stdbool.h>

#include <jansson.h>

struct ct_diags;

enum ct_doc_kind {
	CT_DOC_CONFIG,
	CT_DOC_STATE,
	CT_DOC_FEATURES,
};

/*
 * Checks a parsed document against the JSON-schema rules of runtime-spec
 * v1.3.0 (built in, no network) and every MUST the document alone can show.
 * Adds one finding per problem to diags; never stops at the first.
 */
void ct_validate_doc(const json_t *doc, enum ct_doc_kind kind, struct ct_diags *diags);

/*
 * Checks a config against this machine: rootfs present and a directory (a
 * relative root.path is taken from bundle_dir), hook paths executable,
 * namespace paths of the right type, devices present.
 */
void ct_validate_host(const json_t *doc, const char *bundle_dir, struct ct_diags *diags);

/*
 * True when s is a CPU or memory-node list as cpusets and execCPUAffinity take
 * it: numbers and low-high ranges separated by commas ("0-3,7"). The one rule
 * that specgen generate applies to a flag and validate to a document.
 */
bool ct_validate_is_cpu_list(const char *s);
