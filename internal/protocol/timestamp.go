package protocol

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// FormatISO8601 formats t in UTC as AWS's XML protocols do:
// "2024-01-01T00:00:00Z", with milliseconds ("2024-01-01T00:00:00.123Z")
// only when they are non-zero.
func FormatISO8601(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// FormatEpoch formats t as epoch seconds, the JSON protocols' timestamp
// encoding: an integer when t has no milliseconds, else with up to three
// decimals ("1704067200.5").
func FormatEpoch(t time.Time) string {
	ms := t.Truncate(time.Millisecond).UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	s := strconv.FormatInt(ms/1000, 10)
	frac := ms % 1000
	if frac < 0 {
		// Before 1970: keep the integer part floor-divided.
		return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
	}
	return strings.TrimRight(fmt.Sprintf("%s.%03d", s, frac), "0")
}

// FormatRFC1123 formats t for HTTP headers: "Mon, 01 Jan 2024 00:00:00 GMT".
func FormatRFC1123(t time.Time) string {
	return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
}

// ParseTimestamp parses every timestamp form AWS clients send: ISO 8601 with
// or without fractional seconds and with a zone offset, epoch seconds (with a
// fraction), and RFC 1123 / RFC 850 / asctime HTTP dates.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("empty timestamp")
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
			return epochToTime(f)
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognized timestamp %q", s)
}

// EpochToTime converts epoch seconds to a time, rejecting values that are not
// finite or out of the range of a time.Time.
func EpochToTime(f float64) (time.Time, error) { return epochToTime(f) }

func epochToTime(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e14 {
		return time.Time{}, fmt.Errorf("timestamp %v out of range", f)
	}
	sec, frac := math.Modf(f)
	ms := math.Round(frac * 1000)
	return time.Unix(int64(sec), int64(ms)*int64(time.Millisecond)).UTC(), nil
}

// TimeOf returns the time.Time held by v, which must be of type time.Time.
func TimeOf(v reflect.Value) time.Time {
	t, _ := v.Interface().(time.Time)
	return t
}
