// Package workload generates the multi-tenant SageMaker access-control workload that the
// comparative benchmarks run on every policy engine: users in groups on two Studio domains, the
// IAM policy documents those groups carry, training jobs tagged the way SageMaker tags them, S3
// objects under per-user prefixes, and a seeded list of requests. Every request carries the
// decision that follows from the workload's definition (who owns what), computed without any
// policy engine, so each engine can be checked against it.
//
// A [Workload] is immutable once [Generate] returns it and is safe for concurrent readers.
package workload

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Decision is the outcome of one authorization request, distinguishing an explicit deny (a Deny
// statement matched) from an implicit one (no Allow matched). The zero value is [ImplicitDeny].
type Decision uint8

const (
	// ImplicitDeny means no statement allowed the request.
	ImplicitDeny Decision = iota
	// Allow means an Allow statement matched and no Deny statement did.
	Allow
	// ExplicitDeny means a Deny statement matched.
	ExplicitDeny
)

// String returns the decision's name.
func (d Decision) String() string {
	switch d {
	case ImplicitDeny:
		return "ImplicitDeny"
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	default:
		return fmt.Sprintf("Decision(%d)", uint8(d))
	}
}

// Kind says which part of the request mix a request belongs to.
type Kind uint8

const (
	// OwnJob is a SageMaker call on a training job the caller created.
	OwnJob Kind = iota
	// OtherJobSameDomain is a SageMaker call on a training job another user of the caller's
	// domain created.
	OtherJobSameDomain
	// OtherJobOtherDomain is a SageMaker call on a training job a user of another domain created.
	OtherJobOtherDomain
	// ForgedJob is a SageMaker call on a training job created in another domain whose
	// sagemaker:user-profile-arn tag was rewritten to name the caller.
	ForgedJob
	// OwnPrefix is an S3 object call under the caller's own users/<name>/ prefix.
	OwnPrefix
	// OtherPrefix is an S3 object call under another user's prefix.
	OtherPrefix
	numKinds
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case OwnJob:
		return "OwnJob"
	case OtherJobSameDomain:
		return "OtherJobSameDomain"
	case OtherJobOtherDomain:
		return "OtherJobOtherDomain"
	case ForgedJob:
		return "ForgedJob"
	case OwnPrefix:
		return "OwnPrefix"
	case OtherPrefix:
		return "OtherPrefix"
	default:
		return fmt.Sprintf("Kind(%d)", uint8(k))
	}
}

// Tag keys that SageMaker puts on resources created from a Studio user profile.
const (
	TagUserProfileARN = "sagemaker:user-profile-arn"
	TagDomainARN      = "sagemaker:domain-arn"
)

// Request context keys the workload's policies read.
const (
	KeyDomainID        = "sagemaker:DomainId"
	KeyUserProfileName = "sagemaker:UserProfileName"
	KeySourceIdentity  = "aws:SourceIdentity"
)

// TrainingJobActions are the SageMaker actions requests use; the group policies allow them on
// the caller's own jobs through the patterns in [GroupActionPatterns].
var TrainingJobActions = [...]string{
	"sagemaker:DescribeTrainingJob",
	"sagemaker:StopTrainingJob",
	"sagemaker:UpdateTrainingJob",
}

// ObjectActions are the S3 actions requests use, all allowed under the caller's own prefix.
var ObjectActions = [...]string{"s3:GetObject", "s3:PutObject"}

// GroupActionPatterns are the action patterns of every group policy.
var GroupActionPatterns = [...]string{"sagemaker:Describe*", "sagemaker:Stop*", "sagemaker:Update*"}

// Config sizes a workload. The zero value is not useful; start from [DefaultConfig].
type Config struct {
	Seed        uint64 // seeds the request mix and every random choice
	Users       int    // number of users, spread over the domains and the groups round-robin
	Groups      int    // number of IAM groups, each with its own policy
	Domains     int    // number of SageMaker Studio domains (at least 2 for cross-domain requests)
	JobsPerUser int    // training jobs each user owns
	ForgedJobs  int    // training jobs whose user-profile-arn tag names a user of another domain
	Requests    int    // length of the request list
}

// DefaultConfig returns the workload the benchmarks run: 1,000 users in 20 groups on 2 domains,
// 3 training jobs per user, 100 forged jobs and 10,000 requests.
func DefaultConfig() Config {
	return Config{Seed: 1, Users: 1000, Groups: 20, Domains: 2, JobsPerUser: 3, ForgedJobs: 100, Requests: 10000}
}

// Domain is a SageMaker Studio domain.
type Domain struct {
	ID  string // the domain ID, d- followed by 12 characters
	ARN string
}

// User is an IAM user who works in Studio through the user profile of the same name.
type User struct {
	Name       string
	ARN        string // the IAM user ARN
	Domain     int    // index into Workload.Domains
	Group      int    // index into Workload.Groups
	ProfileARN string // the Studio user-profile ARN
}

// Group is an IAM group with the names of its attached managed policies.
type Group struct {
	Name     string
	Policies []string // names of policies in Workload.Policies, in attachment order
}

// Policy is a customer managed IAM policy.
type Policy struct {
	Name     string
	Document string // IAM policy JSON
}

// Job is a SageMaker training job.
type Job struct {
	Name  string
	ARN   string
	Owner int               // index into Workload.Users of the user who created it
	Tags  map[string]string // the job's tags; read only
}

// Request is one authorization request: a user calls an action on one resource.
type Request struct {
	Kind     Kind
	User     int    // index into Workload.Users of the caller
	Action   string // service:Action
	Resource string // the resource ARN
	Job      int    // index into Workload.Jobs, or -1 for an S3 object
	Key      string // the S3 object key for an S3 request, empty otherwise
	// Expected is the decision that follows from who owns the resource; see [Workload.GroundTruth].
	Expected Decision
}

// Workload is a generated workload. Its fields are read only.
type Workload struct {
	Config    Config
	Account   string
	Region    string
	Bucket    string
	Domains   []Domain
	Users     []User
	Groups    []Group
	Policies  []Policy
	Jobs      []Job
	Requests  []Request
	userIndex map[string]int
}

// Names of the policies every group carries besides its own.
const (
	PolicyUserPrefixes    = "UserS3Prefixes"
	PolicyDomainGuardrail = "DomainGuardrail"
)

// GroupPolicyName returns the name of group g's own policy.
func GroupPolicyName(g int) string { return fmt.Sprintf("group-%02d-training-jobs", g) }

// share of each kind in the request mix, in percent.
var mix = [numKinds]int{
	OwnJob:              50,
	OtherJobSameDomain:  20,
	OtherJobOtherDomain: 15,
	ForgedJob:           5,
	OwnPrefix:           5,
	OtherPrefix:         5,
}

// Generate builds the workload that cfg describes. The same cfg always gives the same workload.
func Generate(cfg Config) (*Workload, error) {
	switch {
	case cfg.Users < 2*cfg.Domains || cfg.Domains < 2:
		return nil, fmt.Errorf("workload: need at least 2 domains and 2 users per domain, have %d users on %d domains", cfg.Users, cfg.Domains)
	case cfg.Groups < 1 || cfg.JobsPerUser < 1 || cfg.ForgedJobs < 1 || cfg.Requests < 1:
		return nil, fmt.Errorf("workload: groups, jobs per user, forged jobs and requests must be positive: %+v", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x61626163757321))
	w := &Workload{
		Config:    cfg,
		Account:   "123456789012",
		Region:    "us-east-1",
		Bucket:    "ml-platform-data",
		userIndex: make(map[string]int, cfg.Users),
	}
	for range cfg.Domains {
		id := "d-" + randomID(rng, 12)
		w.Domains = append(w.Domains, Domain{
			ID:  id,
			ARN: fmt.Sprintf("arn:aws:sagemaker:%s:%s:domain/%s", w.Region, w.Account, id),
		})
	}
	w.Policies = append(w.Policies,
		Policy{Name: PolicyUserPrefixes, Document: userPrefixPolicy(w.Bucket)},
		Policy{Name: PolicyDomainGuardrail, Document: guardrailPolicy()},
	)
	for g := range cfg.Groups {
		name := GroupPolicyName(g)
		w.Policies = append(w.Policies, Policy{Name: name, Document: groupPolicy(g)})
		w.Groups = append(w.Groups, Group{
			Name:     fmt.Sprintf("ml-team-%02d", g),
			Policies: []string{name, PolicyUserPrefixes, PolicyDomainGuardrail},
		})
	}
	for i := range cfg.Users {
		name := fmt.Sprintf("user-%04d", i)
		d := i % cfg.Domains
		w.userIndex[name] = i
		w.Users = append(w.Users, User{
			Name:       name,
			ARN:        fmt.Sprintf("arn:aws:iam::%s:user/%s", w.Account, name),
			Domain:     d,
			Group:      i % cfg.Groups,
			ProfileARN: w.profileARN(d, name),
		})
	}
	ownJobs := make([][]int, cfg.Users)
	for i, u := range w.Users {
		for k := range cfg.JobsPerUser {
			ownJobs[i] = append(ownJobs[i], len(w.Jobs))
			w.Jobs = append(w.Jobs, w.newJob(fmt.Sprintf("%s-train-%d", u.Name, k), i, u.ProfileARN))
		}
	}
	// Forged jobs: created by a user of one domain, then re-tagged to name a user of another.
	forged := make([]int, 0, cfg.ForgedJobs)
	forgedFor := make(map[int]int, cfg.ForgedJobs) // job -> the user it names
	for k := range cfg.ForgedJobs {
		owner := rng.IntN(cfg.Users)
		victim := w.pickUser(rng, func(u int) bool { return w.Users[u].Domain != w.Users[owner].Domain })
		j := len(w.Jobs)
		w.Jobs = append(w.Jobs, w.newJob(fmt.Sprintf("%s-train-f%d", w.Users[owner].Name, k), owner, w.Users[victim].ProfileARN))
		forged = append(forged, j)
		forgedFor[j] = victim
	}

	kinds := make([]Kind, 0, cfg.Requests)
	for k := range numKinds {
		n := cfg.Requests * mix[k] / 100
		for range n {
			kinds = append(kinds, k)
		}
	}
	for len(kinds) < cfg.Requests {
		kinds = append(kinds, OwnJob)
	}
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })

	w.Requests = make([]Request, 0, cfg.Requests)
	for _, k := range kinds {
		r := Request{Kind: k, Job: -1}
		switch k {
		case OwnJob:
			r.User = rng.IntN(cfg.Users)
			r.Job = ownJobs[r.User][rng.IntN(cfg.JobsPerUser)]
		case OtherJobSameDomain, OtherJobOtherDomain:
			r.User = rng.IntN(cfg.Users)
			sameDomain := k == OtherJobSameDomain
			other := w.pickUser(rng, func(u int) bool {
				return u != r.User && (w.Users[u].Domain == w.Users[r.User].Domain) == sameDomain
			})
			r.Job = ownJobs[other][rng.IntN(cfg.JobsPerUser)]
		case ForgedJob:
			r.Job = forged[rng.IntN(len(forged))]
			r.User = forgedFor[r.Job]
		case OwnPrefix, OtherPrefix:
			r.User = rng.IntN(cfg.Users)
			prefixOwner := r.User
			if k == OtherPrefix {
				prefixOwner = w.pickUser(rng, func(u int) bool { return u != r.User })
			}
			r.Key = fmt.Sprintf("users/%s/datasets/part-%05d.parquet", w.Users[prefixOwner].Name, rng.IntN(100000))
		}
		if r.Job >= 0 {
			r.Action = TrainingJobActions[rng.IntN(len(TrainingJobActions))]
			r.Resource = w.Jobs[r.Job].ARN
		} else {
			r.Action = ObjectActions[rng.IntN(len(ObjectActions))]
			r.Resource = w.ObjectARN(r.Key)
		}
		r.Expected = w.GroundTruth(r)
		w.Requests = append(w.Requests, r)
	}
	return w, nil
}

// GroundTruth returns the decision the workload's rules give r, derived from who owns the
// resource and never from tags or policy text:
//   - a training job may be described, stopped or updated only by the user who created it;
//   - no one may touch a training job created in another domain (the domain guardrail, an
//     explicit deny that wins even where a forged tag would otherwise allow: "If policies that
//     apply to a request include an Allow statement and a Deny statement, the Deny statement
//     trumps the Allow statement",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html);
//   - an S3 object may be read or written only by the user whose users/<name>/ prefix holds it.
func (w *Workload) GroundTruth(r Request) Decision {
	caller := w.Users[r.User]
	if r.Job >= 0 {
		creator := w.Users[w.Jobs[r.Job].Owner]
		switch {
		case creator.Domain != caller.Domain:
			return ExplicitDeny
		case creator.Name == caller.Name:
			return Allow
		default:
			return ImplicitDeny
		}
	}
	owner, _, ok := strings.Cut(strings.TrimPrefix(r.Key, "users/"), "/")
	if ok && strings.HasPrefix(r.Key, "users/") && owner == caller.Name {
		return Allow
	}
	return ImplicitDeny
}

// Context returns the request context keys a SageMaker Studio session of r's caller carries:
// [KeyDomainID], [KeyUserProfileName] and [KeySourceIdentity] (the domain sets the execution
// role's source identity to the user profile name).
func (w *Workload) Context(r Request) map[string]string {
	u := w.Users[r.User]
	return map[string]string{
		KeyDomainID:        w.Domains[u.Domain].ID,
		KeyUserProfileName: u.Name,
		KeySourceIdentity:  u.Name,
	}
}

// ResourceTags returns the tags of r's resource, or nil for an S3 object (the workload's
// objects carry no tags).
func (w *Workload) ResourceTags(r Request) map[string]string {
	if r.Job < 0 {
		return nil
	}
	return w.Jobs[r.Job].Tags
}

// UserIndex returns the index of the user called name.
func (w *Workload) UserIndex(name string) (int, bool) {
	i, ok := w.userIndex[name]
	return i, ok
}

// PolicyByName returns the policy called name.
func (w *Workload) PolicyByName(name string) (Policy, bool) {
	for _, p := range w.Policies {
		if p.Name == name {
			return p, true
		}
	}
	return Policy{}, false
}

// ObjectARN returns the ARN of the object key in the workload's bucket.
func (w *Workload) ObjectARN(key string) string {
	return "arn:aws:s3:::" + w.Bucket + "/" + key
}

// UserPrefixARN returns the ARN pattern that covers user u's S3 prefix, ending in "/*".
func (w *Workload) UserPrefixARN(u int) string {
	return w.ObjectARN("users/" + w.Users[u].Name + "/*")
}

func (w *Workload) profileARN(d int, name string) string {
	return fmt.Sprintf("arn:aws:sagemaker:%s:%s:user-profile/%s/%s", w.Region, w.Account, w.Domains[d].ID, name)
}

func (w *Workload) newJob(name string, owner int, profileTag string) Job {
	return Job{
		Name:  name,
		ARN:   fmt.Sprintf("arn:aws:sagemaker:%s:%s:training-job/%s", w.Region, w.Account, name),
		Owner: owner,
		Tags: map[string]string{
			TagUserProfileARN: profileTag,
			TagDomainARN:      w.Domains[w.Users[owner].Domain].ARN,
			"project":         fmt.Sprintf("project-%d", owner%7),
		},
	}
}

// pickUser returns a random user satisfying ok; Generate's size checks guarantee one exists.
func (w *Workload) pickUser(rng *rand.Rand, ok func(int) bool) int {
	for {
		if u := rng.IntN(len(w.Users)); ok(u) {
			return u
		}
	}
}

func randomID(rng *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// The three policy documents. They are built as Go values and marshalled so the JSON is always
// well formed; the shapes follow the ABAC setup in the project's SageMaker scenarios.

type statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Action    any                          `json:"Action"`
	Resource  any                          `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

type document struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

func marshal(d document) string {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(err) // only fixed Go values are marshalled
	}
	return string(b)
}

func groupPolicy(g int) string {
	return marshal(document{Version: "2012-10-17", Statement: []statement{{
		Sid:      fmt.Sprintf("Group%02dOwnTrainingJobs", g),
		Effect:   "Allow",
		Action:   GroupActionPatterns[:],
		Resource: "arn:aws:sagemaker:*:*:training-job/*",
		Condition: map[string]map[string]string{"StringLike": {
			"sagemaker:ResourceTag/" + TagUserProfileARN: "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}",
		}},
	}}})
}

func userPrefixPolicy(bucket string) string {
	return marshal(document{Version: "2012-10-17", Statement: []statement{{
		Sid:      "OwnPrefixObjects",
		Effect:   "Allow",
		Action:   ObjectActions[:],
		Resource: "arn:aws:s3:::" + bucket + "/users/${aws:SourceIdentity}/*",
	}}})
}

func guardrailPolicy() string {
	return marshal(document{Version: "2012-10-17", Statement: []statement{{
		Sid:      "DenyOtherDomainTrainingJobs",
		Effect:   "Deny",
		Action:   "sagemaker:*",
		Resource: "arn:aws:sagemaker:*:*:training-job/*",
		Condition: map[string]map[string]string{"StringNotLike": {
			"sagemaker:ResourceTag/" + TagDomainARN: "arn:aws:sagemaker:*:*:domain/${sagemaker:DomainId}",
		}},
	}}})
}
