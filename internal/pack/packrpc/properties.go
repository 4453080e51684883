package packrpc

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"google.golang.org/protobuf/types/known/structpb"
)

// unmarshalProperties decodes a resource's properties as the SDK's analyzer server does
// (plugin.UnmarshalProperties with KeepUnknowns, KeepSecrets and SkipInternalKeys): unknowns
// are kept as computed values, secrets as secrets, resource references become their ID (or URN),
// output values their element (or an unknown), and top-level keys starting with "__" are
// dropped. The SDK's propertyrpc package decodes the same wire format but keeps references,
// output values and internal keys, which the pack would then see differently from a pack served
// by the SDK; FuzzPropertiesMatchSDK compares this decoder with the SDK's.
func unmarshalProperties(s *structpb.Struct) (resource.PropertyMap, error) {
	return unmarshalStruct(s, true)
}

func unmarshalStruct(s *structpb.Struct, top bool) (resource.PropertyMap, error) {
	result := make(resource.PropertyMap, len(s.GetFields()))
	// The error reported is the one of the first key in order, as the SDK reports it (it sorts
	// every object's keys first); keeping the least failing key finds the same one without sorting
	// on every call, which decodes every object of every resource.
	var firstErr error
	var errKey string
	for key, pv := range s.GetFields() {
		pk := resource.PropertyKey(key)
		v, err := unmarshalValue(pk, pv)
		if err != nil {
			if firstErr == nil || key < errKey {
				firstErr, errKey = err, key
			}
			continue
		}
		if top && resource.IsInternalPropertyKey(pk) {
			continue
		}
		result[pk] = v
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return result, nil
}

func unmarshalValue(key resource.PropertyKey, v *structpb.Value) (resource.PropertyValue, error) {
	switch kind := v.GetKind().(type) {
	case *structpb.Value_NullValue:
		return resource.NewNullProperty(), nil
	case *structpb.Value_BoolValue:
		return resource.NewProperty(kind.BoolValue), nil
	case *structpb.Value_NumberValue:
		return resource.NewProperty(kind.NumberValue), nil
	case *structpb.Value_StringValue:
		if unknown, ok := unknownValue(kind.StringValue); ok {
			return unknown, nil
		}
		return resource.NewProperty(kind.StringValue), nil
	case *structpb.Value_ListValue:
		elems := make([]resource.PropertyValue, len(kind.ListValue.GetValues()))
		for i, e := range kind.ListValue.GetValues() {
			ev, err := unmarshalValue(key, e)
			if err != nil {
				return resource.PropertyValue{}, err
			}
			elems[i] = ev
		}
		return resource.NewProperty(elems), nil
	case *structpb.Value_StructValue:
		return unmarshalObject(key, kind.StructValue)
	default:
		// The SDK panics here; a value with no kind is malformed input, not a bug of the pack.
		return resource.PropertyValue{}, fmt.Errorf("unrecognized value kind %T for %q", kind, key)
	}
}

// unknownValue turns the protocol's unknown sentinels into computed values of their kind.
func unknownValue(s string) (resource.PropertyValue, bool) {
	var elem resource.PropertyValue
	switch s {
	case sig.UnknownBoolValue:
		elem = resource.NewProperty(false)
	case sig.UnknownNumberValue:
		elem = resource.NewProperty(0.0)
	case sig.UnknownStringValue:
		elem = resource.NewProperty("")
	case sig.UnknownArrayValue:
		elem = resource.NewProperty([]resource.PropertyValue{})
	case sig.UnknownAssetValue:
		elem = resource.NewProperty(&asset.Asset{})
	case sig.UnknownArchiveValue:
		elem = resource.NewProperty(&archive.Archive{})
	case sig.UnknownObjectValue:
		elem = resource.NewProperty(make(resource.PropertyMap))
	default:
		return resource.PropertyValue{}, false
	}
	return resource.NewProperty(resource.Computed{Element: elem}), true
}

// unmarshalObject decodes an object: a plain map, or one of the values a signature key marks.
// Its fields are decoded first, as the SDK does, so that a malformed field is reported the same.
func unmarshalObject(key resource.PropertyKey, s *structpb.Struct) (resource.PropertyValue, error) {
	obj, err := unmarshalStruct(s, false)
	if err != nil {
		return resource.PropertyValue{}, err
	}
	sigValue, hasSig := obj[resource.SigKey]
	if !hasSig {
		return resource.NewProperty(obj), nil
	}
	// The SDK compares the signature of the object's Mappable() form, in which only a string
	// value is a string; the form itself is built only for the values that need it, since building
	// it at every level of nesting costs the SDK time quadratic in the depth.
	var signature string
	if sigValue.IsString() {
		signature = sigValue.StringValue()
	}
	switch signature {
	case asset.AssetSig:
		a, _, err := asset.Deserialize(obj.Mappable())
		if err != nil {
			return resource.PropertyValue{}, err
		}
		return resource.NewProperty(a), nil
	case archive.ArchiveSig:
		a, _, err := archive.Deserialize(obj.Mappable())
		if err != nil {
			return resource.PropertyValue{}, err
		}
		return resource.NewProperty(a), nil
	case resource.SecretSig:
		value, ok := obj["value"]
		if !ok {
			return resource.PropertyValue{}, fmt.Errorf("malformed RPC secret: missing value for %q", key)
		}
		return resource.MakeSecret(value), nil
	case resource.ByteStringSig:
		value, ok := obj["value"]
		if !ok {
			return resource.PropertyValue{}, fmt.Errorf("malformed byte string for %q: missing value", key)
		}
		if !value.IsString() {
			return resource.PropertyValue{}, fmt.Errorf("malformed byte string for %q: value is not a string", key)
		}
		decoded, err := base64.StdEncoding.DecodeString(value.StringValue())
		if err != nil {
			return resource.PropertyValue{}, fmt.Errorf("malformed byte string for %q: value is not valid base64: %w", key, err)
		}
		return resource.NewProperty(string(decoded)), nil
	case resource.ResourceReferenceSig:
		return resourceReference(key, obj)
	case resource.OutputValueSig:
		return outputValue(key, obj)
	default:
		return resource.PropertyValue{}, fmt.Errorf("unrecognized signature '%v' in property map for %q", sigValue, key)
	}
}

// resourceReference decodes a reference as the SDK does without KeepResources: to the
// resource's ID when the reference has one (unknown when the ID is), else to its URN.
func resourceReference(key resource.PropertyKey, obj resource.PropertyMap) (resource.PropertyValue, error) {
	urn, ok := obj["urn"]
	if !ok {
		return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: missing urn", key)
	}
	if !urn.IsString() {
		return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: urn not a string", key)
	}
	for _, field := range []resource.PropertyKey{"name", "type"} {
		if p, ok := obj[field]; ok && !p.IsString() {
			return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: %s not a string", key, field)
		}
	}
	id, hasID := "", false
	if idProp, ok := obj["id"]; ok {
		hasID = true
		switch {
		case idProp.IsString():
			id = idProp.StringValue()
		case idProp.IsComputed():
		case idProp.IsOutput():
			if idProp.OutputValue().Known {
				if !idProp.OutputValue().Element.IsString() {
					return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: id not a string", key)
				}
				id = idProp.OutputValue().Element.StringValue()
			}
		default:
			return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: id not a string", key)
		}
	}
	if p, ok := obj["packageVersion"]; ok && !p.IsString() {
		return resource.PropertyValue{}, fmt.Errorf("malformed resource reference for %q: packageVersion not a string", key)
	}
	if !hasID {
		return resource.NewProperty(urn.StringValue()), nil
	}
	if id == "" {
		unknown, _ := unknownValue(sig.UnknownStringValue)
		return unknown, nil
	}
	return resource.NewProperty(id), nil
}

// outputValue decodes an output value as the SDK does without KeepOutputValues: its element, or
// an unknown string when it has none, kept secret when it is.
func outputValue(key resource.PropertyKey, obj resource.PropertyMap) (resource.PropertyValue, error) {
	value, known := obj["value"]
	var secret bool
	if secretProp, ok := obj["secret"]; ok {
		if !secretProp.IsBool() {
			return resource.PropertyValue{}, fmt.Errorf("malformed output value for %q: secret not a bool", key)
		}
		secret = secretProp.BoolValue()
	}
	if !known {
		value, _ = unknownValue(sig.UnknownStringValue)
	}
	if secret {
		value = resource.MakeSecret(value)
	}
	return value, nil
}
