package awsfacts

import "slices"

// logRetentionDays are the retention periods CloudWatch Logs' PutRetentionPolicy accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
	1827, 2192, 2557, 2922, 3288, 3653}

// LogRetentionDays returns the retention periods CloudWatch Logs accepts, ascending.
func LogRetentionDays() []int { return slices.Clone(logRetentionDays) }

// IsLogRetention reports whether CloudWatch Logs accepts a retention of days.
func IsLogRetention(days int) bool { return slices.Contains(logRetentionDays, days) }
