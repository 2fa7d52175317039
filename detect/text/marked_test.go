package text

import (
	"reflect"
	"testing"
)

// Overlapping cues cut a phrase into several marked segments; Marked joins them into one
// with the cues of all, and leaves plain text alone.
func TestMarkedJoinsTouchingMarks(t *testing.T) {
	in := []Segment{{Text: "请下载会议软件"}, {Text: "开启", Cues: []string{"screen_share"}}, {Text: "屏幕", Cues: []string{"screen_share", "remote_app"}},
		{Text: "共享", Cues: []string{"remote_app"}}, {Text: "，把"}, {Text: "验证码", Cues: []string{"asks_code"}}}
	want := []Segment{{Text: "请下载会议软件"}, {Text: "开启屏幕共享", Cues: []string{"screen_share", "remote_app"}}, {Text: "，把"}, {Text: "验证码", Cues: []string{"asks_code"}}}
	if got := Marked(in); !reflect.DeepEqual(got, want) {
		t.Errorf("Marked = %+v, want %+v", got, want)
	}
	if in[1].Text != "开启" || len(in[1].Cues) != 1 {
		t.Errorf("Marked changed its input: %+v", in[1])
	}
}
