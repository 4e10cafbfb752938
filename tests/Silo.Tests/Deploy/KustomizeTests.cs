using System.Globalization;
using System.Text.RegularExpressions;
using Grokking.Grains.Specs;
using YamlDotNet.RepresentationModel;
using static Grokking.Silo.Tests.Deploy.Manifest;

namespace Grokking.Silo.Tests.Deploy;

/// <summary>Renders deploy/k8s/overlays/{cpu,gpu} with `kubectl kustomize` and pins what the silos, Redis and the
/// submit Job rely on. Needs kubectl on PATH (no cluster); fails, rather than skips, without it.</summary>
public partial class KustomizeTests
{
    private const string Gpu = "nvidia.com/gpu";

    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_overlay_renders_every_part_into_one_namespace(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        m.Workload("StatefulSet", "silo");
        m.Workload("StatefulSet", "redis");
        m.Workload("Job", "client");
        foreach (var kind in new[] { "Service", "Secret", "ConfigMap", "PersistentVolumeClaim", "NetworkPolicy" })
            Assert.True(m.OfKind(kind).Any(), $"{overlay}: no {kind} rendered");

        var namespaces = m.Objects.Where(o => o.Str("kind") != "Namespace").Select(o => o.Str("metadata", "namespace")).Distinct().ToList();
        var ns = Assert.Single(namespaces);
        Assert.False(string.IsNullOrEmpty(ns), $"{overlay}: objects without a namespace");
        m.Named("Namespace", ns);
    }

    [Fact]
    public void Gpu_silos_ask_for_a_gpu_and_tolerate_gpu_nodes()
    {
        var m = RenderedManifests.Of("gpu");
        var silo = SiloSet(m);
        var c = Container(silo);
        Assert.Equal("1", Resource(c, "requests", Gpu));
        Assert.Equal("1", Resource(c, "limits", Gpu));
        Assert.NotEmpty(PodSpec(silo).Map("nodeSelector"));
        Assert.Contains(PodSpec(silo).Items("tolerations"), t => t.Str("key") == Gpu);
        Assert.Equal("gpu", EnvValue(c, "GROKKING_ACCELERATOR"));
        Assert.EndsWith(":cuda", c.Str("image"));
        Assert.True(PositiveInt(EnvValue(c, "GROKKING_SLOTS")), "GROKKING_SLOTS must be a positive number");
    }

    [Fact]
    public void Cpu_silos_ask_for_no_gpu()
    {
        var m = RenderedManifests.Of("cpu");
        var silo = SiloSet(m);
        var c = Container(silo);
        Assert.Null(Resource(c, "requests", Gpu));
        Assert.Null(Resource(c, "limits", Gpu));
        Assert.DoesNotContain(PodSpec(silo).Items("tolerations"), t => t.Str("key") == Gpu);
        Assert.Equal("cpu", EnvValue(c, "GROKKING_ACCELERATOR"));
        Assert.EndsWith(":cpu", c.Str("image"));
        Assert.True(PositiveInt(EnvValue(c, "GROKKING_SLOTS")), "GROKKING_SLOTS must be a positive number");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_probes_use_the_health_endpoints_on_port_8080(string overlay)
    {
        var c = Container(SiloSet(RenderedManifests.Of(overlay)));
        Assert.Equal("/healthz/live", c.Str("livenessProbe", "httpGet", "path"));
        Assert.Equal(8080, ProbePort(c, "livenessProbe"));
        Assert.Equal("/healthz/ready", c.Str("readinessProbe", "httpGet", "path"));
        Assert.Equal(8080, ProbePort(c, "readinessProbe"));
        Assert.Equal("8080", EnvValue(c, "GROKKING_HEALTH_PORT"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_env_names_the_pod_and_reaches_redis_with_the_secret_password(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var c = Container(SiloSet(m));
        Assert.Equal("status.podIP", Env(c, "GROKKING_ADVERTISE").Str("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.name", Env(c, "GROKKING_SILO_NAME").Str("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("11111", EnvValue(c, "GROKKING_SILO_PORT"));
        Assert.Equal("30000", EnvValue(c, "GROKKING_GATEWAY_PORT"));
        Assert.False(string.IsNullOrEmpty(EnvValue(c, "GROKKING_CLUSTER_ID")), "GROKKING_CLUSTER_ID is empty");
        AssertReachesRedisWithSecretPassword(m, c);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_have_time_to_checkpoint_and_a_headless_service(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var silo = SiloSet(m);
        var grace = PodSpec(silo).Str("terminationGracePeriodSeconds");
        Assert.True(grace is not null && int.Parse(grace, CultureInfo.InvariantCulture) >= 60,
            $"terminationGracePeriodSeconds is {grace ?? "unset (30)"}; silos need time to checkpoint their runs on SIGTERM");
        Assert.Equal("Parallel", silo.Str("spec", "podManagementPolicy"));

        var service = m.Named("Service", silo.Str("spec", "serviceName") ?? "(no serviceName)");
        Assert.Equal("None", service.Str("spec", "clusterIP"));
        Assert.True(Selects(service.Map("spec", "selector"), PodLabels(silo)), "the headless Service does not select the silo pods");
        var ports = service.Items("spec", "ports").Select(p => p.Str("port")).ToList();
        Assert.Contains("11111", ports);
        Assert.Contains("30000", ports);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Redis_is_append_only_on_its_own_volume_with_a_secret_password(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var redis = m.Workload("StatefulSet", "redis");
        var c = Container(redis);
        var commandLine = string.Join(' ', c.Strings("command").Concat(c.Strings("args")));
        Assert.Contains("--appendonly yes", commandLine);

        var dir = DirFlag().Match(commandLine) is { Success: true } d ? d.Groups[1].Value : "/data";
        var templates = redis.Items("spec", "volumeClaimTemplates");
        Assert.True(templates.Any(t => MountPath(c, t.Name()) == dir),
            $"no volumeClaimTemplate is mounted at Redis's data dir {dir}; templates: {string.Join(", ", templates.Select(t => t.Name()))}");

        var password = RequirePassFlag().Match(commandLine);
        Assert.True(password.Success, $"redis-server is started without --requirepass $(VAR): {commandLine}");
        AssertFromSecret(m, c, password.Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_output_volume_is_read_write_many_and_shared_by_silos_and_the_submit_job(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var claims = m.OfKind("PersistentVolumeClaim").Where(p => p.Strings("spec", "accessModes").Contains("ReadWriteMany")).ToList();
        var claim = Assert.Single(claims).Name();

        var silo = SiloSet(m);
        var siloContainer = Container(silo);
        var siloMount = VolumesForClaim(silo, claim).Select(v => MountPath(siloContainer, v)).FirstOrDefault(p => p is not null);
        Assert.True(siloMount is not null, $"silos do not mount PersistentVolumeClaim {claim}");
        Assert.Equal(siloMount, EnvValue(siloContainer, "GROKKING_OUT"));

        var job = SubmitJob(m);
        var jobContainer = Container(job);
        Assert.True(VolumesForClaim(job, claim).Any(v => MountPath(jobContainer, v) is not null), $"the submit Job does not mount {claim}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_submit_job_sends_a_valid_spec_from_a_config_map(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var job = SubmitJob(m);
        var c = Container(job);
        List<string> args = [.. c.Strings("command"), .. c.Strings("args")];
        Assert.Contains("submit", args);
        var specPath = args.FirstOrDefault(a => a.EndsWith(".yaml", StringComparison.Ordinal) || a.EndsWith(".yml", StringComparison.Ordinal));
        Assert.True(specPath is not null, $"the submit Job names no spec file: {string.Join(' ', args)}");

        var source = PodSpec(job).Items("volumes")
            .Where(v => v.At("configMap") is not null)
            .Select(v => (ConfigMap: v.Str("configMap", "name"), Mount: MountPath(c, v.Name())))
            .FirstOrDefault(v => v.Mount is not null && specPath.StartsWith(v.Mount.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.True(source.ConfigMap is not null, $"{specPath} is not on a ConfigMap volume of the submit Job");

        var key = specPath[(source.Mount!.TrimEnd('/').Length + 1)..];
        var text = m.Named("ConfigMap", source.ConfigMap).Str("data", key);
        Assert.True(text is not null, $"ConfigMap {source.ConfigMap} has no key {key}");
        var spec = SpecParser.Parse(text, key);
        Assert.True(spec.Size > 0);

        Assert.Equal("Never", PodSpec(job).Str("restartPolicy"));
        var backoff = job.Str("spec", "backoffLimit");
        Assert.True(backoff is not null && int.Parse(backoff, CultureInfo.InvariantCulture) <= 10, $"backoffLimit {backoff ?? "unset (6)"} should be small and explicit");
        AssertReachesRedisWithSecretPassword(m, c);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Only_silos_and_clients_reach_redis(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var redisPods = PodLabels(m.Workload("StatefulSet", "redis"));
        var siloPods = PodLabels(SiloSet(m));
        var clientPods = PodLabels(SubmitJob(m));

        var policies = PoliciesFor(m, redisPods);
        Assert.NotEmpty(policies);
        var peers = new List<IReadOnlyDictionary<string, string>>();
        foreach (var policy in policies)
        {
            var types = policy.Strings("spec", "policyTypes");
            Assert.True(types.Count == 0 || types.Contains("Ingress"), $"NetworkPolicy {policy.Name()} does not restrict ingress");
            foreach (var rule in policy.Items("spec", "ingress"))
            {
                var ports = rule.Items("ports").Select(p => p.Str("port")).ToList();
                Assert.True(ports.Count > 0 && ports.All(p => p is "6379" or "redis"), $"NetworkPolicy {policy.Name()} opens ports other than 6379: {string.Join(", ", ports)}");
                var from = rule.Items("from");
                Assert.True(from.Count > 0, $"NetworkPolicy {policy.Name()} has an ingress rule open to every source");
                foreach (var peer in from)
                {
                    Assert.True(peer.At("namespaceSelector") is null && peer.At("ipBlock") is null,
                        $"NetworkPolicy {policy.Name()} admits sources other than pods of this namespace");
                    var selector = peer.Map("podSelector", "matchLabels");
                    Assert.True(Selects(selector, siloPods) || Selects(selector, clientPods),
                        $"NetworkPolicy {policy.Name()} admits pods that are neither silos nor clients: {Describe(selector)}");
                    peers.Add(selector);
                }
            }
        }
        Assert.True(peers.Any(p => Selects(p, siloPods)), "no NetworkPolicy lets the silos reach Redis");
        Assert.True(peers.Any(p => Selects(p, clientPods)), "no NetworkPolicy lets the client reach Redis");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_accept_cluster_traffic_from_silos_and_gateway_traffic_from_clients(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var siloPods = PodLabels(SiloSet(m));
        var clientPods = PodLabels(SubmitJob(m));
        var rules = PoliciesFor(m, siloPods).SelectMany(p => p.Items("spec", "ingress")).ToList();
        Assert.NotEmpty(rules);

        bool Admits(IReadOnlyDictionary<string, string> pods, string port) => rules.Any(r =>
            r.Items("ports").Any(p => p.Str("port") == port)
            && r.Items("from").Any(f => Selects(f.Map("podSelector", "matchLabels"), pods)));
        Assert.True(Admits(siloPods, "11111"), "silos cannot reach each other on the silo port 11111");
        Assert.True(Admits(clientPods, "30000"), "clients cannot reach the silo gateway on 30000");
        Assert.Contains(rules, r => r.Items("ports").Any(p => p.Str("port") == "8080"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_runs_as_non_root_without_privileges(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        foreach (var workload in m.Workloads())
        {
            foreach (var c in Containers(workload))
            {
                var where = $"{overlay}: {workload.Str("kind")} {workload.Name()}, container {c.Name()}";
                Assert.True(Security(workload, c, "runAsNonRoot") == "true", $"{where}: runAsNonRoot is not true");
                Assert.True(c.Str("securityContext", "allowPrivilegeEscalation") == "false", $"{where}: allowPrivilegeEscalation is not false");
                Assert.True(c.Str("securityContext", "readOnlyRootFilesystem") == "true", $"{where}: readOnlyRootFilesystem is not true");
                Assert.True(c.Strings("securityContext", "capabilities", "drop").Contains("ALL"), $"{where}: capabilities do not drop ALL");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_referenced_secret_config_map_and_claim_is_rendered(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        foreach (var workload in m.Workloads())
        {
            foreach (var c in Containers(workload))
                foreach (var env in c.Items("env").Where(e => e.At("valueFrom", "secretKeyRef") is not null))
                    AssertFromSecret(m, c, env.Name());
            foreach (var volume in PodSpec(workload).Items("volumes"))
            {
                if (volume.Str("configMap", "name") is { } configMap) m.Named("ConfigMap", configMap);
                if (volume.Str("secret", "secretName") is { } secret) m.Named("Secret", secret);
                if (volume.Str("persistentVolumeClaim", "claimName") is { } claim) m.Named("PersistentVolumeClaim", claim);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_extra_pods_use_the_secret_volume_and_labels_the_overlay_renders(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var clientPods = PodLabels(SubmitJob(m));
        var extras = Directory.GetFiles(Path.Combine(RenderedManifests.RepositoryRoot(), "deploy", "k8s", "extras"), "*.yaml");
        Assert.NotEmpty(extras);
        foreach (var pod in extras.SelectMany(f => RenderedManifests.Parse(File.ReadAllText(f))).Where(o => PodSpec(o) is not null))
        {
            foreach (var claim in PodSpec(pod).Items("volumes").Select(v => v.Str("persistentVolumeClaim", "claimName")).OfType<string>())
                m.Named("PersistentVolumeClaim", claim);
            foreach (var c in Containers(pod))
                foreach (var env in c.Items("env").Where(e => e.At("valueFrom", "secretKeyRef") is not null))
                    AssertFromSecret(m, c, env.Name());
            if (PodLabels(pod).GetValueOrDefault(ComponentLabel) == "client")
                Assert.True(Selects(clientPods, PodLabels(pod)), $"{pod.Name()} lacks the client Job's pod labels, so the NetworkPolicies do not admit it");
        }
    }

    private static YamlMappingNode SiloSet(RenderedManifests m) => m.Workload("StatefulSet", "silo");

    private static YamlMappingNode SubmitJob(RenderedManifests m) => m.Workload("Job", "client");

    private static string? EnvValue(YamlMappingNode container, string name) => Env(container, name).Str("value");

    private static bool PositiveInt(string? text) => int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0;

    private static string Describe(IReadOnlyDictionary<string, string> labels) => string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));

    private static List<YamlMappingNode> PoliciesFor(RenderedManifests m, IReadOnlyDictionary<string, string> pods) =>
        m.OfKind("NetworkPolicy").Where(p => Selects(p.Map("spec", "podSelector", "matchLabels"), pods)).ToList();

    /// <summary>GROKKING_REDIS points at the Redis Service and carries the password as $(VAR), VAR coming earlier from a Secret.</summary>
    private static void AssertReachesRedisWithSecretPassword(RenderedManifests m, YamlMappingNode container)
    {
        var redis = EnvValue(container, "GROKKING_REDIS") ?? "";
        var redisService = m.Named("Service", m.Workload("StatefulSet", "redis").Str("spec", "serviceName") ?? "(no serviceName)");
        Assert.StartsWith($"{redisService.Name()}:6379", redis);
        var password = PasswordOption().Match(redis);
        Assert.True(password.Success, $"GROKKING_REDIS has no password=$(VAR): {redis}");
        var variable = password.Groups[1].Value;
        AssertFromSecret(m, container, variable);
        Assert.True(EnvIndex(container, variable) < EnvIndex(container, "GROKKING_REDIS"),
            $"{variable} must come before GROKKING_REDIS in env, or Kubernetes does not expand $({variable})");
    }

    /// <summary>Env <paramref name="variable"/> comes from a key of a Secret that the overlay renders.</summary>
    private static void AssertFromSecret(RenderedManifests m, YamlMappingNode container, string variable)
    {
        var reference = Env(container, variable).At("valueFrom", "secretKeyRef");
        Assert.True(reference is not null, $"env {variable} of container {container.Name()} is not read from a Secret");
        var secret = m.Named("Secret", reference.Str("name") ?? "(no name)");
        var key = reference.Str("key") ?? "(no key)";
        Assert.True(secret.At("data", key) is not null || secret.At("stringData", key) is not null, $"Secret {secret.Name()} has no key {key}");
    }

    [GeneratedRegex(@"--dir\s+(\S+)")]
    private static partial Regex DirFlag();

    [GeneratedRegex(@"--requirepass\s+\$\((\w+)\)")]
    private static partial Regex RequirePassFlag();

    [GeneratedRegex(@"(?:^|,)\s*password=\$\((\w+)\)")]
    private static partial Regex PasswordOption();
}
