package awsfacts

import (
	"strings"
)

// Partitions are AWS's partitions, by the region-name prefix that selects them (longest first).
var partitionByRegionPrefix = []struct{ prefix, partition string }{
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-iso-", "aws-iso"},
	{"us-gov-", "aws-us-gov"},
	{"cn-", "aws-cn"},
	{"eusc-", "aws-eusc"},
}

var regionRe = lazyMustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d+$`)

// IsRegion reports whether s has the shape of an AWS region name (ap-northeast-1, us-gov-west-1).
func IsRegion(s string) bool { return regionRe.MatchString(s) }

// PartitionOfRegion returns the partition a region belongs to ("aws" for the commercial regions).
func PartitionOfRegion(region string) string {
	for _, p := range partitionByRegionPrefix {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
