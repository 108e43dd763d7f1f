package stats

import (
	"reflect"
	"testing"
)

func TestSeries(t *testing.T) {
	s := NewSeries(3)
	if _, ok := s.Last(); ok || s.Len() != 0 || s.Cap() != 3 || len(s.Values()) != 0 {
		t.Fatalf("new series: len %d cap %d values %v", s.Len(), s.Cap(), s.Values())
	}
	steps := []struct {
		push float64
		want []float64
	}{
		{1, []float64{1}},
		{2, []float64{1, 2}},
		{3, []float64{1, 2, 3}},
		{4, []float64{2, 3, 4}}, // full: the oldest goes
		{5, []float64{3, 4, 5}},
		{6, []float64{4, 5, 6}}, // wrapped exactly once
		{7, []float64{5, 6, 7}},
	}
	for _, st := range steps {
		s.Push(st.push)
		if got := s.Values(); !reflect.DeepEqual(got, st.want) {
			t.Errorf("after Push(%v): Values = %v, want %v", st.push, got, st.want)
		}
		if last, ok := s.Last(); !ok || last != st.push {
			t.Errorf("after Push(%v): Last = %v, %v", st.push, last, ok)
		}
		if s.Len() != len(st.want) {
			t.Errorf("after Push(%v): Len = %d", st.push, s.Len())
		}
	}
	// AppendValues appends to what dst holds.
	if got := s.AppendValues([]float64{-1}); !reflect.DeepEqual(got, []float64{-1, 5, 6, 7}) {
		t.Errorf("AppendValues = %v", got)
	}
	s.Reset()
	if s.Len() != 0 || len(s.Values()) != 0 {
		t.Errorf("after Reset: len %d values %v", s.Len(), s.Values())
	}
	s.Push(9)
	if got := s.Values(); !reflect.DeepEqual(got, []float64{9}) {
		t.Errorf("after Reset and Push: %v", got)
	}
}

func TestSeriesZeroValue(t *testing.T) {
	var s Series
	if s.Cap() != DefaultSeriesCap || NewSeries(0).Cap() != DefaultSeriesCap || NewSeries(-5).Cap() != DefaultSeriesCap {
		t.Fatal("zero and non-positive capacities must mean DefaultSeriesCap")
	}
	for i := range 1000 {
		s.Push(float64(i))
	}
	v := s.Values()
	if len(v) != DefaultSeriesCap || v[0] != 1000-DefaultSeriesCap || v[len(v)-1] != 999 {
		t.Errorf("len %d first %v last %v", len(v), v[0], v[len(v)-1])
	}
}

func TestSeriesPushDoesNotAllocate(t *testing.T) {
	s := NewSeries(180)
	s.Push(0)
	buf := make([]float64, 0, 180)
	if a := testing.AllocsPerRun(1000, func() {
		s.Push(1)
		_, _ = s.Last()
		buf = s.AppendValues(buf[:0])
	}); a != 0 {
		t.Errorf("Push/Last/AppendValues allocate %v times per run", a)
	}
}

func BenchmarkSeriesPush(b *testing.B) {
	s := NewSeries(DefaultSeriesCap)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Push(float64(i))
	}
}
