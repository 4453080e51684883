package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/keyless-ecs/railsapp/harness/fakeaws"
)

// The test binary doubles as the plugin, so the test starts it the way the engine does.
func TestMain(m *testing.M) {
	if os.Getenv("FAKEAWS_RUN_PLUGIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// The engine starts a provider plugin with flags and its own address, reads the port from the
// first line of stdout, talks gRPC to it, and stops it with an interrupt.
func TestServesLikeAProviderPlugin(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-v=9", "--logtostderr", "127.0.0.1:1")
	cmd.Env = append(os.Environ(), "FAKEAWS_RUN_PLUGIN=1")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	port, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	info, err := pulumirpc.NewResourceProviderClient(conn).GetPluginInfo(context.Background(), &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, fakeaws.Version, info.GetVersion())

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	assert.NoError(t, cmd.Wait(), "an interrupt stops it cleanly")
}
