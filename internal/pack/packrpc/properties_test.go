package packrpc

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	pt "github.com/keyless-ecs/railsapp/internal/pack/packtest"
)

// sdkOptions are the options of the SDK's analyzer server for Analyze and AnalyzeStack.
var sdkOptions = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipInternalKeys: true}

// sdkUnmarshal is the SDK's decoder; it panics on a value with no kind, which counts as an error.
func sdkUnmarshal(s *structpb.Struct) (m resource.PropertyMap, err error) {
	defer func() {
		if recover() != nil {
			m, err = nil, errPanicked
		}
	}()
	return plugin.UnmarshalProperties(s, sdkOptions)
}

type panicked struct{}

func (panicked) Error() string { return "the SDK panicked" }

var errPanicked error = panicked{}

// checkSame requires unmarshalProperties to decode s as the SDK does: the same properties, or an
// error from both.
func checkSame(t *testing.T, s *structpb.Struct) {
	t.Helper()
	want, werr := sdkUnmarshal(s)
	got, gerr := unmarshalProperties(s)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("the SDK's error: %v; packrpc's: %v", werr, gerr)
	}
	if _, nan := shape(structpb.NewStructValue(s)); werr == nil && !nan && !reflect.DeepEqual(got, want) {
		// Values are not printed: a seed may hold a credential-shaped fixture.
		t.Fatalf("packrpc decodes %d properties differently from the SDK (%d)", len(got), len(want))
	}
}

// shape is how deeply v nests lists and objects, and whether it holds a NaN (which no two
// decodings compare equal on).
func shape(v *structpb.Value) (depth int, nan bool) {
	var elems []*structpb.Value
	switch k := v.GetKind().(type) {
	case *structpb.Value_NumberValue:
		return 0, math.IsNaN(k.NumberValue)
	case *structpb.Value_ListValue:
		elems = k.ListValue.GetValues()
	case *structpb.Value_StructValue:
		for _, e := range k.StructValue.GetFields() {
			elems = append(elems, e)
		}
	default:
		return 0, false
	}
	for _, e := range elems {
		d, n := shape(e)
		depth, nan = max(depth, d), nan || n
	}
	return depth + 1, nan
}

// wireSeeds are properties as they travel: every special value the protocol has, marshalled by
// the SDK with everything kept (references, output values, internal keys), plus hand-made
// malformed ones.
func wireSeeds(t testing.TB) []*structpb.Struct {
	str := resource.NewPropertyValue
	ref := func(id resource.PropertyValue) resource.PropertyValue {
		return resource.NewProperty(resource.ResourceReference{
			URN: pt.URN("aws:iam/role:Role", "r"), ID: id, PackageVersion: "6.83.0"})
	}
	rich := resource.PropertyMap{
		"name":           str("app"),
		"count":          str(3.0),
		"on":             str(true),
		"nothing":        resource.NewNullProperty(),
		"__defaults":     resource.NewProperty([]resource.PropertyValue{str("name")}),
		"nested":         resource.NewProperty(resource.PropertyMap{"__inner": str("kept"), "list": resource.NewProperty([]resource.PropertyValue{str("a"), resource.MakeComputed(str(""))})}),
		"secret":         resource.MakeSecret(str("s3cr3t")),
		"unknownString":  resource.MakeComputed(str("")),
		"unknownBool":    resource.MakeComputed(str(false)),
		"unknownNumber":  resource.MakeComputed(str(0.0)),
		"unknownList":    resource.MakeComputed(resource.NewProperty([]resource.PropertyValue{})),
		"unknownObject":  resource.MakeComputed(resource.NewProperty(resource.PropertyMap{})),
		"unknownAsset":   resource.MakeComputed(resource.NewProperty(&asset.Asset{})),
		"unknownArchive": resource.MakeComputed(resource.NewProperty(&archive.Archive{})),
		"refWithID":      ref(str("role-id")),
		"refUnknownID":   ref(resource.MakeComputed(str(""))),
		"refNoID":        ref(resource.PropertyValue{}),
		"output":         resource.NewProperty(resource.Output{Element: str("v"), Known: true, Dependencies: []resource.URN{pt.URN("aws:iam/role:Role", "r")}}),
		"secretOutput":   resource.NewProperty(resource.Output{Element: str("v"), Known: true, Secret: true}),
		"unknownOutput":  resource.NewProperty(resource.Output{Secret: true}),
		"asset":          pt.TextAsset("AWS_REGION=us-east-1\n"),
		"archive":        pt.AssetArchive(map[string]any{"app.env": "A=1\n"}),
	}
	opts := plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}
	s, err := plugin.MarshalProperties(rich, opts)
	if err != nil {
		t.Fatal(err)
	}
	seeds := []*structpb.Struct{s}
	for _, c := range append(pt.ExecRole(), pt.Credentials()...) {
		for _, r := range c.Resources {
			s, err := plugin.MarshalProperties(r.Inputs, opts)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, s)
		}
	}
	obj := func(fields map[string]*structpb.Value) *structpb.Value {
		return structpb.NewStructValue(&structpb.Struct{Fields: fields})
	}
	malformed := map[string]*structpb.Value{
		"noKind":          {},
		"badSig":          obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue("nope")}),
		"numberSig":       obj(map[string]*structpb.Value{sig.Key: structpb.NewNumberValue(1)}),
		"secretNoValue":   obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.Secret)}),
		"bytesBadBase64":  obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.ByteString), "value": structpb.NewStringValue("%%")}),
		"bytes":           obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.ByteString), "value": structpb.NewStringValue("/w==")}),
		"refNoURN":        obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.ResourceReference)}),
		"refNumberID":     obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.ResourceReference), "urn": structpb.NewStringValue("u"), "id": structpb.NewNumberValue(1)}),
		"refEmptyID":      obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.ResourceReference), "urn": structpb.NewStringValue("u"), "id": structpb.NewStringValue("")}),
		"outputBadSecret": obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(sig.OutputValue), "secret": structpb.NewStringValue("yes")}),
		"assetBadHash":    obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(asset.AssetSig), "hash": structpb.NewNumberValue(1)}),
		"archiveEmpty":    obj(map[string]*structpb.Value{sig.Key: structpb.NewStringValue(archive.ArchiveSig)}),
	}
	for k, v := range malformed {
		seeds = append(seeds, &structpb.Struct{Fields: map[string]*structpb.Value{k: v}})
	}
	return seeds
}

// TestPropertiesMatchSDK decodes every seed as the SDK's analyzer server does.
func TestPropertiesMatchSDK(t *testing.T) {
	for _, s := range wireSeeds(t) {
		checkSame(t, s)
	}
	// The seeds reach every kind of special value, so the comparison above compares them.
	got, err := unmarshalProperties(wireSeeds(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["__defaults"]; ok {
		t.Error("a top-level internal key is kept")
	}
	if !got["refWithID"].IsString() || got["refWithID"].StringValue() != "role-id" || !got["refUnknownID"].IsComputed() {
		t.Error("resource references do not become their ID")
	}
	// Of several malformed fields, the first in key order is reported, every time, as by the SDK.
	twoBad := &structpb.Struct{Fields: map[string]*structpb.Value{"b": {}, "a": {}, "c": {}}}
	for range 20 {
		if _, err := unmarshalProperties(twoBad); err == nil || !strings.Contains(err.Error(), `"a"`) {
			t.Fatalf("error %v, want the one of key \"a\"", err)
		}
	}
	if !got["secretOutput"].IsSecret() || !got["unknownOutput"].IsSecret() || !got["unknownOutput"].SecretValue().Element.IsComputed() {
		t.Error("output values do not become their (secret) element")
	}
}

// FuzzPropertiesMatchSDK decodes arbitrary wire properties as the SDK's analyzer server does.
func FuzzPropertiesMatchSDK(f *testing.F) {
	for _, s := range wireSeeds(f) {
		b, err := proto.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s structpb.Struct
		// Past a depth no engine sends, the SDK's decoder takes time quadratic in the depth, which
		// would stall the fuzzer rather than find anything.
		if proto.Unmarshal(b, &s) != nil {
			return
		}
		if depth, _ := shape(structpb.NewStructValue(&s)); depth > 64 {
			return
		}
		checkSame(t, &s)
	})
}
