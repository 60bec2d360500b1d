package sagemaker

import (
	"maps"
	"slices"
)

// Studio settings (UserSettings, DomainSettings, DefaultSpaceSettings and
// their many nested shapes) are kept as the JSON documents clients send.
// These helpers read the members authorization and the handlers need.

// member returns the value of a member of a JSON object, or nil.
func member(v any, name string) any {
	if m, ok := v.(map[string]any); ok {
		return m[name]
	}
	return nil
}

// stringMember returns a string member of a JSON object, or "".
func stringMember(v any, name string) string {
	s, _ := member(v, name).(string)
	return s
}

// collect appends to out every string found under a member called name at
// any depth of v (inside lists too), without duplicates, in document
// order (object members in key order).
func collect(v any, name string, out []string) []string {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			val := x[k]
			if k == name {
				switch s := val.(type) {
				case string:
					if !slices.Contains(out, s) {
						out = append(out, s)
					}
				case []any:
					for _, e := range s {
						if str, ok := e.(string); ok && !slices.Contains(out, str) {
							out = append(out, str)
						}
					}
				}
				continue
			}
			out = collect(val, name, out)
		}
	case []any:
		for _, e := range x {
			out = collect(e, name, out)
		}
	}
	return out
}

// mergeObject returns base with the members of upd set over it (one level
// deep: a nested object in upd replaces base's member of that name after
// being merged the same way). Either may be nil.
func mergeObject(base, upd any) any {
	bm, ok1 := base.(map[string]any)
	um, ok2 := upd.(map[string]any)
	if !ok2 {
		if upd != nil {
			return upd
		}
		return base
	}
	if !ok1 {
		return upd
	}
	out := maps.Clone(bm)
	for k, v := range um {
		if _, isObj := v.(map[string]any); isObj {
			out[k] = mergeObject(bm[k], v)
			continue
		}
		out[k] = v
	}
	return out
}

// settingsKeys adds the request-derived Studio condition keys found in
// settings documents to keys: sagemaker:InstanceTypes (every InstanceType,
// e.g. DefaultResourceSpec.InstanceType), sagemaker:ImageArns
// (SageMakerImageArn), sagemaker:ImageVersionArns (SageMakerImageVersionArn),
// sagemaker:StudioLifecycleConfigArns (LifecycleConfigArn and
// LifecycleConfigArns), sagemaker:DomainSharingOutputKmsKeyArn
// (SharingSettings.S3KmsKeyId) and sagemaker:VpcSecurityGroupIds
// (SecurityGroups, SecurityGroupIds).
func settingsKeys(keys map[string][]string, docs ...any) map[string][]string {
	var it, img, ver, lcc, sg, kms []string
	for _, d := range docs {
		it = collect(d, "InstanceType", it)
		img = collect(d, "SageMakerImageArn", img)
		ver = collect(d, "SageMakerImageVersionArn", ver)
		lcc = collect(d, "LifecycleConfigArn", lcc)
		lcc = collect(d, "LifecycleConfigArns", lcc)
		sg = collect(d, "SecurityGroups", sg)
		sg = collect(d, "SecurityGroupIds", sg)
		if k := stringMember(member(d, "SharingSettings"), "S3KmsKeyId"); k != "" && !slices.Contains(kms, k) {
			kms = append(kms, k)
		}
	}
	set := func(k string, v []string) {
		if len(v) > 0 {
			keys[k] = v
		}
	}
	set("sagemaker:InstanceTypes", it)
	set("sagemaker:ImageArns", img)
	set("sagemaker:ImageVersionArns", ver)
	set("sagemaker:StudioLifecycleConfigArns", lcc)
	set("sagemaker:VpcSecurityGroupIds", sg)
	set("sagemaker:DomainSharingOutputKmsKeyArn", kms)
	return keys
}
