// Command benchtable turns the outputs of bench/run.sh (the `go test -bench` text of ./bench, and
// the JSON of startbench and enginebench) into one Markdown table of results against the targets
// of issue 5, followed by the details. A missing input gives "not run" rows, not an error.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/keyless-ecs/railsapp/bench/stats"
)

func main() {
	analyzer := flag.String("analyzer", "bench/out/analyzer.txt", "output of go test -bench ./bench")
	startup := flag.String("startup", "bench/out/startup.json", "output of startbench")
	engine := flag.String("engine", "bench/out/engine.json", "output of enginebench")
	engineSkip := flag.String("engine-skipckpt", "bench/out/engine-skipckpt.json",
		"output of enginebench with PULUMI_SKIP_CHECKPOINTS=true")
	flag.Parse()
	if err := run(os.Stdout, *analyzer, *startup, *engine, *engineSkip); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// bench holds the median of each metric (unit -> value) of one benchmark over its -count runs.
type bench map[string]float64

// get formats the metric, or "–" when the benchmark does not report it.
func (b bench) get(unit, format string) string {
	v, ok := b[unit]
	if !ok {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func parseBenchmarks(path string) (map[string]bench, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	samples := map[string]map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		if samples[m[1]] == nil {
			samples[m[1]] = map[string][]float64{}
		}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			samples[m[1]][fields[i+1]] = append(samples[m[1]][fields[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := map[string]bench{}
	for name, units := range samples {
		out[name] = bench{}
		for u, vs := range units {
			out[name][u] = stats.Median(vs)
		}
	}
	return out, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

type row struct {
	measure, result, target string
	value, limit            float64 // result/limit is the ratio column; limit 0: no target
	ok                      bool
	run                     bool
}

func (r row) String() string {
	if !r.run {
		return fmt.Sprintf("| %s | not run | %s | – | – |", r.measure, r.target)
	}
	met := "**no**"
	if r.ok {
		met = "yes"
	}
	return fmt.Sprintf("| %s | %s | %s | %.2f | %s |", r.measure, r.result, r.target, r.value/r.limit, met)
}

func run(w io.Writer, analyzerPath, startupPath, enginePath, engineSkipPath string) error {
	benches, err := parseBenchmarks(analyzerPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var st *stats.Startup
	if err := readJSON(startupPath, &st); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var eng, engSkip []stats.EngineCase
	if err := readJSON(enginePath, &eng); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := readJSON(engineSkipPath, &engSkip); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}

	var rows []row
	for _, mode := range []string{"preview", "update"} {
		b, ok := benches["BenchmarkAnalyzeStack/"+mode+"/N=10000"]
		r := row{measure: "`AnalyzeStack`, 10,000 resources (" + mode + ")", target: "< 100 ms", limit: 100e6, run: ok}
		if ok {
			r.value = b["ns/op"]
			r.result = fmt.Sprintf("%.1f ms", r.value/1e6)
			r.ok = r.value < r.limit
		}
		rows = append(rows, r)
	}
	for _, mode := range []string{"preview", "update"} {
		worst, worstN, found := 0.0, "", false
		for name, b := range benches {
			if n, ok := strings.CutPrefix(name, "BenchmarkAnalyze/"+mode+"/"); ok {
				found = true
				if v := b["ns/resource"]; v > worst {
					worst, worstN = v, n
				}
			}
		}
		r := row{measure: "`Analyze` per resource, worst of N = 10…10,000 (" + mode + ")", target: "< 50 µs",
			limit: 50e3, run: found, value: worst}
		if found {
			r.result = fmt.Sprintf("%.2f µs (%s)", worst/1e3, worstN)
			r.ok = worst < r.limit
		}
		rows = append(rows, r)
	}
	rows = append(rows, engineRows(eng, "")...)
	rows = append(rows, engineRows(engSkip, ", engine with PULUMI_SKIP_CHECKPOINTS=true")...)
	rows = append(rows, packMemoryRow(eng, engSkip))
	rows = append(rows, startupRows(st)...)

	fmt.Fprintln(w, "| Measure | Result | Target | Result / target | Met |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintln(w, r)
	}

	if len(benches) > 0 {
		fmt.Fprintln(w, "\nAnalyzer alone (Go benchmarks, medians over -count; one op = one pass over N resources):")
		fmt.Fprintln(w, "\n| Benchmark | N | time/op | ns/resource | vs N=100 | allocs/resource | B/resource | mandatory+advisory diags/op |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		names := make([]string, 0, len(benches))
		for n := range benches {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			pi, ni := splitN(names[i])
			pj, nj := splitN(names[j])
			if pi != pj {
				return pi < pj
			}
			return ni < nj
		})
		for _, n := range names {
			b := benches[n]
			prefix, size := splitN(n)
			flat := "–"
			if base, ok := benches[prefix+"N=100"]; ok && base["ns/resource"] > 0 {
				flat = fmt.Sprintf("%.2f×", b["ns/resource"]/base["ns/resource"])
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", strings.TrimSuffix(strings.TrimPrefix(prefix, "Benchmark"), "/"),
				size, dur(b["ns/op"]), b.get("ns/resource", "%.0f"), flat, b.get("allocs/resource", "%.1f"),
				b.get("B/resource", "%.0f"), b.get("diags/op", "%.0f"))
		}
	}
	engineDetails(w, eng, "Engine, offline `preview` (medians; alternating runs)")
	engineDetails(w, engSkip, "Engine with `PULUMI_SKIP_CHECKPOINTS=true` (no per-step snapshot serialization), offline `preview`")
	startupDetails(w, st)
	return nil
}

// Targets of the pack executable (issue 11): the engine can use it within 25 ms of exec, and it
// never holds more than 35 MiB resident.
const (
	startupTargetMS = 25
	memoryTargetMiB = 35
)

// packMemoryRow is the memory target as the engine drives the pack: the pack process's peak
// resident set over a whole offline preview of K = 100 (its rusage), from the default engine's
// A/B, or else from the one without checkpoints (the pack sees the same calls in both).
func packMemoryRow(eng, engSkip []stats.EngineCase) row {
	r := row{measure: "peak resident memory of the pack process in a real preview, K = 100 (rusage)",
		target: fmt.Sprintf("< %d MiB", memoryTargetMiB), limit: memoryTargetMiB}
	for _, set := range [][]stats.EngineCase{eng, engSkip} {
		for _, e := range set {
			if e.K != 100 || len(e.PackPeakRSSMiB) == 0 {
				continue
			}
			r.run, r.value, r.ok = true, e.PackPeakRSSMedianMiB, e.PackPeakRSSMedianMiB < memoryTargetMiB
			r.result = fmt.Sprintf("%.1f MiB (null pack: %.1f MiB; medians of %d previews)", e.PackPeakRSSMedianMiB,
				e.NullPackPeakRSSMedianMiB, len(e.PackPeakRSSMiB))
			return r
		}
	}
	return r
}

// startupRows are the summary rows of startbench: ours against the targets, the null pack beside.
func startupRows(st *stats.Startup) []row {
	start := row{measure: "start-up: exec to `GetPluginInfo` and `GetAnalyzerInfo` answered", target: fmt.Sprintf("< %d ms", startupTargetMS),
		limit: startupTargetMS, run: st != nil}
	mem := row{measure: fmt.Sprintf("peak resident memory (VmHWM) after a synthetic session of K = %d over gRPC", kOf(st)),
		target: fmt.Sprintf("< %d MiB", memoryTargetMiB), limit: memoryTargetMiB, run: st != nil}
	if st != nil {
		o, n := st.Ours.Median, st.Null.Median
		start.value, start.ok = o.InfoMS, o.InfoMS < startupTargetMS
		start.result = fmt.Sprintf("%.1f ms, CPU %.1f ms (null pack: %.1f ms, CPU %.1f ms; medians of %d interleaved starts)",
			o.InfoMS, o.StartCPUMS, n.InfoMS, n.StartCPUMS, len(st.Ours.InfoMS))
		mem.value, mem.ok = o.HWMMiB, o.HWMMiB < memoryTargetMiB
		mem.result = fmt.Sprintf("%.1f MiB (null pack: %.1f MiB; medians of %d)", o.HWMMiB, n.HWMMiB, len(st.Ours.HWMMiB))
	}
	return []row{start, mem}
}

func kOf(st *stats.Startup) int {
	if st == nil {
		return 100
	}
	return st.K
}

// startupDetails prints every startbench median, ours beside the null pack's.
func startupDetails(w io.Writer, st *stats.Startup) {
	if st == nil {
		return
	}
	o, n := st.Ours.Median, st.Null.Median
	fmt.Fprintf(w, "\nPack executable beside a pack that checks nothing (medians; start-ups interleaved, %d each; "+
		"sessions over K = %d, %d resources, preview values, %d each):\n\n", len(st.Ours.InfoMS), st.K, st.Resources, len(st.Ours.HWMMiB))
	fmt.Fprintln(w, "| Measure | ours | null pack | ours − null |")
	fmt.Fprintln(w, "|---|---|---|---|")
	type line struct {
		what, unit string
		ours, null float64
	}
	inits := []line{{"package initialisation before `main` (wall, GODEBUG=inittrace=1)", "ms", o.InitTotal().MS, n.InitTotal().MS}}
	for _, g := range []struct{ key, what string }{
		{"pulumi", "the Pulumi SDK (`github.com/pulumi/pulumi/…`)"},
		{"grpc", "gRPC and protobuf (`google.golang.org/…`)"},
		{"other", "the SDK's other dependencies and the standard library"},
		{"pack", "the pack's own packages"},
	} {
		inits = append(inits, line{"… " + g.what, "ms", o.Inits[g.key].MS, n.Inits[g.key].MS})
	}
	inits = append(inits, line{"memory allocated by package initialisation", "MiB", o.InitTotal().MiB, n.InitTotal().MiB})
	for _, r := range append([]line{
		{"exec → port line on stdout", "ms", o.PortMS, n.PortMS},
		{"exec → first answer (`GetPluginInfo`)", "ms", o.FirstMS, n.FirstMS},
		{"exec → `GetAnalyzerInfo` answered", "ms", o.InfoMS, n.InfoMS},
		{"pack CPU time by then (user + system, all threads)", "ms", o.StartCPUMS, n.StartCPUMS},
		{"peak resident set by then (VmHWM)", "MiB", o.StartHWMMiB, n.StartHWMMiB},
		{"peak resident set after the session (VmHWM)", "MiB", o.HWMMiB, n.HWMMiB},
		{"resident set after the session (VmRSS)", "MiB", o.RSSMiB, n.RSSMiB},
		{"… of which anonymous (heap, stacks, runtime; the rest is the executable's pages)", "MiB", o.AnonMiB, n.AnonMiB},
		{"`Remediate` + `Analyze` for every resource (wall, both ends)", "ms", o.AnalyzeMS, n.AnalyzeMS},
		{"`AnalyzeStack` (wall, both ends)", "ms", o.AnalyzeStackMS, n.AnalyzeStackMS},
		{"pack CPU time for the whole session", "ms", o.SessionCPUMS, n.SessionCPUMS},
	}, inits...) {
		fmt.Fprintf(w, "| %s | %.1f %s | %.1f %s | %+.1f %s |\n", r.what, r.ours, r.unit, r.null, r.unit, r.ours-r.null, r.unit)
	}
	fmt.Fprintf(w, "\nOur pack reported %d diagnostics in the session (planted violations).\n", st.Ours.Diagnostics)
}

// engineRows are the summary rows of one engine A/B at K = 100.
func engineRows(eng []stats.EngineCase, label string) []row {
	var e *stats.EngineCase
	for i := range eng {
		if eng[i].K == 100 {
			e = &eng[i]
		}
	}
	null := func(v float64) string {
		if v == 0 {
			return ""
		}
		return fmt.Sprintf("; a pack that checks nothing: %.3f", v)
	}
	wall := row{measure: "preview with pack / without, K = 100, wall time" + label, target: "≤ 1.10", limit: 1.10, run: e != nil}
	cpu := row{measure: "preview with pack / without, K = 100, CPU time" + label, target: "≤ 1.10", limit: 1.10,
		run: e != nil && e.CPURatio > 0}
	if wall.run {
		wall.value, wall.ok = e.Ratio, e.Ratio <= wall.limit
		wall.result = fmt.Sprintf("%.3f (%.2f s / %.2f s, medians of %d%s)", e.Ratio, e.WithMedianMS/1e3,
			e.WithoutMedianMS/1e3, len(e.WithMS), null(e.NullRatio))
	}
	if cpu.run {
		cpu.value, cpu.ok = e.CPURatio, e.CPURatio <= cpu.limit
		cpu.result = fmt.Sprintf("%.3f (%.2f s / %.2f s%s)", e.CPURatio, e.WithCPUMedianMS/1e3, e.WithoutCPUMedianMS/1e3,
			null(e.NullCPURatio))
	}
	return []row{wall, cpu}
}

// engineDetails prints one engine A/B per K.
func engineDetails(w io.Writer, eng []stats.EngineCase, title string) {
	if len(eng) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s:\n", title)
	fmt.Fprintln(w, "\n| K | resources | wall: without | null pack | our pack | ours / without | ours / null | "+
		"CPU: without | null pack | our pack | ours / without | ours / null | CPU added per resource (ours − without) | "+
		"pack process: peak RSS, ours / null | pack process: CPU, ours / null | runs each |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	opt := func(v float64, format string) string {
		if v == 0 {
			return "–"
		}
		return fmt.Sprintf(format, v)
	}
	for _, e := range eng {
		added := "–"
		if e.Resources > 0 {
			added = fmt.Sprintf("%.2f ms", (e.WithCPUMedianMS-e.WithoutCPUMedianMS)/float64(e.Resources))
		}
		fmt.Fprintf(w, "| %d | %d | %.2f s | %s | %.2f s | %.3f | %s | %.2f s | %s | %.2f s | %.3f | %s | %s | %s / %s | %s / %s | %d |\n",
			e.K, e.Resources, e.WithoutMedianMS/1e3, opt(e.NullMedianMS/1e3, "%.2f s"), e.WithMedianMS/1e3, e.Ratio,
			opt(ratio(e.WithMedianMS, e.NullMedianMS), "%.3f"),
			e.WithoutCPUMedianMS/1e3, opt(e.NullCPUMedianMS/1e3, "%.2f s"), e.WithCPUMedianMS/1e3, e.CPURatio,
			opt(ratio(e.WithCPUMedianMS, e.NullCPUMedianMS), "%.3f"), added,
			opt(e.PackPeakRSSMedianMiB, "%.1f MiB"), opt(e.NullPackPeakRSSMedianMiB, "%.1f MiB"),
			opt(e.PackCPUMedianMS, "%.0f ms"), opt(e.NullPackCPUMedianMS, "%.0f ms"), len(e.WithMS))
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// splitN splits "BenchmarkX/mode/N=100" into ("BenchmarkX/mode/", 100).
func splitN(name string) (string, int) {
	i := strings.LastIndex(name, "N=")
	if i < 0 {
		return name, 0
	}
	n, _ := strconv.Atoi(name[i+2:])
	return name[:i], n
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
}
