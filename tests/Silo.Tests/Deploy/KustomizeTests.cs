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
        foreach (var kind in new[] { "Service", "Secret", "ConfigMap", "PersistentVolumeClaim", "NetworkPolicy", "ServiceAccount", "PodDisruptionBudget" })
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
        Assert.Matches(FlavourTag("cuda"), c.Str("image") ?? "");
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
        Assert.Matches(FlavourTag("cpu"), c.Str("image") ?? "");
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
        var ns = m.Namespace;
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
                    Assert.True(peer.At("ipBlock") is null && NamesOnly(peer.At("namespaceSelector"), ns),
                        $"NetworkPolicy {policy.Name()} admits sources other than pods of namespace {ns}");
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
            && r.Items("from").Any(f => Selects(f.Map("podSelector", "matchLabels"), pods) && NamesOnly(f.At("namespaceSelector"), m.Namespace)));
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
        foreach (var objects in extras.Select(f => RenderedManifests.Parse(File.ReadAllText(f))))
        foreach (var (pod, index) in objects.Select((o, i) => (o, i)).Where(p => PodSpec(p.o) is not null))
        {
            // The pod's ServiceAccount comes from the overlay or from earlier in the same file (`kubectl apply -f`
            // creates in file order, and a pod naming a missing account is rejected).
            var account = PodSpec(pod).Str("serviceAccountName");
            Assert.True(PodSpec(pod).Str("automountServiceAccountToken") == "false", $"{pod.Name()}: automountServiceAccountToken is not false");
            Assert.True(account is not null && account != "default", $"{pod.Name()} runs under the namespace's default ServiceAccount");
            var earlier = objects.Take(index).FirstOrDefault(o => o.Str("kind") == "ServiceAccount" && o.Name() == account);
            if (earlier is not null)
                Assert.True(earlier.Str("automountServiceAccountToken") == "false", $"ServiceAccount {account} mounts its token by default");
            else
                Assert.True(m.Named("ServiceAccount", account).Str("automountServiceAccountToken") == "false", $"ServiceAccount {account} mounts its token by default");

            foreach (var claim in PodSpec(pod).Items("volumes").Select(v => v.Str("persistentVolumeClaim", "claimName")).OfType<string>())
                m.Named("PersistentVolumeClaim", claim);
            foreach (var c in Containers(pod))
                foreach (var env in c.Items("env").Where(e => e.At("valueFrom", "secretKeyRef") is not null))
                    AssertFromSecret(m, c, env.Name());
            if (PodLabels(pod).GetValueOrDefault(ComponentLabel) == "client")
                Assert.True(Selects(clientPods, PodLabels(pod)), $"{pod.Name()} lacks the client Job's pod labels, so the NetworkPolicies do not admit it");
        }
    }

    // ---- Hardening: disruption budget, pinned images, the password file, network isolation, service accounts,
    // Redis memory, the storage class, spreading. Each of these failed on the manifests before they were hardened.

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_have_a_disruption_budget_of_one_pod_at_a_time(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var siloPods = PodLabels(SiloSet(m));
        var budgets = m.OfKind("PodDisruptionBudget").Where(b => NetworkModel.SelectorMatches(b.At("spec", "selector"), siloPods)).ToList();
        var budget = Assert.Single(budgets);
        Assert.Equal("policy/v1", budget.Str("apiVersion"));
        Assert.Equal("1", budget.Str("spec", "maxUnavailable"));
        Assert.NotEmpty(budget.Map("spec", "selector", "matchLabels"));
        foreach (var other in m.Workloads().Where(w => w != SiloSet(m)))
            Assert.False(NetworkModel.SelectorMatches(budget.At("spec", "selector"), PodLabels(other)), $"PodDisruptionBudget {budget.Name()} also selects {other.Name()}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_image_is_pinned_to_a_version_or_a_digest(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var extras = Directory.GetFiles(Path.Combine(RenderedManifests.RepositoryRoot(), "deploy", "k8s", "extras"), "*.yaml")
            .SelectMany(f => RenderedManifests.Parse(File.ReadAllText(f))).Where(o => PodSpec(o) is not null);
        foreach (var workload in m.Workloads().Concat(extras))
        foreach (var c in Containers(workload))
        {
            var image = c.Str("image") ?? "";
            Assert.True(IsPinned(image), $"{overlay}: {workload.Name()}/{c.Name()} uses image '{image}': "
                + "give it a full version tag (x.y.z, or a date tag) or a digest, never latest or a bare tag like redis:7.2");
        }
    }

    [Theory]
    [InlineData("redis:7.2", false)]
    [InlineData("redis", false)]
    [InlineData("redis:latest", false)]
    [InlineData("grokking/silo:cuda", false)]
    [InlineData("registry.example.com:5000/grokking/silo", false)]
    [InlineData("python:3.12-slim", false)]
    [InlineData("redis:7.2.7-bookworm", true)]
    [InlineData("registry.example.com:5000/grokking/silo:0.1.0-cuda", true)]
    [InlineData("quay.io/jupyter/scipy-notebook:2025-03-14", true)]
    [InlineData("redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    public void Image_pinning_rule(string image, bool pinned) => Assert.Equal(pinned, IsPinned(image));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rendering_without_the_password_file_fails_and_names_it(string overlay)
    {
        var result = RenderedManifests.RenderCopy(overlay, withPassword: false);
        Assert.True(result.ExitCode != 0, $"kubectl kustomize overlays/{overlay} rendered without {RenderedManifests.PasswordFile}:\n{result.Stdout}");
        // kustomize's own error names the file: "... base/redis-password.env: no such file or directory".
        Assert.Contains(RenderedManifests.PasswordFile.Replace('/', Path.DirectorySeparatorChar), result.Stderr);

        // The file must never be committed: git ignores it wherever it lies.
        var ignored = File.ReadAllLines(Path.Combine(RenderedManifests.RepositoryRoot(), ".gitignore")).Select(l => l.Trim());
        Assert.Contains(Path.GetFileName(RenderedManifests.PasswordFile), ignored);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_redis_password_is_the_operators_not_a_placeholder(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var password = SecretValue(m.Named("Secret", "grokking-redis"), "password");
        // From the file the fixture wrote, without its newline (a newline would break --requirepass and the
        // connection string).
        Assert.Equal(RenderedManifests.GeneratedRedisPassword, password);
        string[] placeholders = ["change-me", "changeme", "placeholder", "example", "password", "secret", "redis"];
        foreach (var secret in m.OfKind("Secret"))
        foreach (var key in secret.Map("data").Keys.Concat(secret.Map("stringData").Keys))
        {
            var value = SecretValue(secret, key);
            foreach (var placeholder in placeholders)
                Assert.False(value.Contains(placeholder, StringComparison.OrdinalIgnoreCase), $"{overlay}: Secret {secret.Name()} key {key} holds the placeholder '{placeholder}'");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_is_denied_by_default_in_both_directions(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var denyAll = m.OfKind("NetworkPolicy").Where(p =>
            p.At("spec", "podSelector") is YamlMappingNode { Children.Count: 0 }
            && NetworkModel.Types(p).Contains("Ingress") && NetworkModel.Types(p).Contains("Egress")
            && p.Items("spec", "ingress").Count == 0 && p.Items("spec", "egress").Count == 0).ToList();
        Assert.True(denyAll.Count > 0, $"{overlay}: no NetworkPolicy with podSelector {{}} and policyTypes [Ingress, Egress] denies everything by default");

        // Nothing from outside the deployment gets in, and nothing gets out to the world.
        var outsider = new PodRef("elsewhere", new Dictionary<string, string> { ["app"] = "anything" });
        foreach (var workload in m.Workloads())
        {
            var pod = new PodRef(m.Namespace, PodLabels(workload));
            foreach (var port in new[] { 80, 443, 6379, 8080, 11111, 30000 })
            {
                Assert.False(NetworkModel.Allowed(m, outsider, pod, port), $"{overlay}: a pod of another namespace reaches {workload.Name()} on {port}");
                Assert.False(NetworkModel.Allowed(m, pod, outsider, port), $"{overlay}: {workload.Name()} reaches a pod of another namespace on {port}");
            }
        }
        foreach (var policy in m.OfKind("NetworkPolicy"))
        foreach (var (rules, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        foreach (var rule in policy.Items("spec", rules))
        {
            Assert.True(rule.Items(peers).Count > 0, $"{overlay}: NetworkPolicy {policy.Name()} has an {rules} rule open to every peer");
            Assert.True(rule.Items("ports").Count > 0, $"{overlay}: NetworkPolicy {policy.Name()} has an {rules} rule open on every port");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_and_clients_reach_exactly_redis_and_the_silo_ports_they_need(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var silo = new PodRef(m.Namespace, PodLabels(SiloSet(m)));
        var client = new PodRef(m.Namespace, PodLabels(SubmitJob(m)));
        var redis = new PodRef(m.Namespace, PodLabels(m.Workload("StatefulSet", "redis")));

        Assert.True(NetworkModel.Allowed(m, silo, redis, 6379), "silos cannot reach Redis on 6379");
        Assert.True(NetworkModel.Allowed(m, silo, silo, 11111), "silos cannot reach each other on the silo port 11111");
        Assert.True(NetworkModel.Allowed(m, silo, silo, 30000), "silos cannot reach each other's gateway on 30000");
        Assert.True(NetworkModel.Allowed(m, client, silo, 30000), "clients cannot reach the silo gateway on 30000");
        Assert.True(NetworkModel.Allowed(m, client, redis, 6379), "clients cannot reach Redis on 6379");

        Assert.False(NetworkModel.Allowed(m, client, silo, 11111), "clients reach the silo-to-silo port 11111");
        Assert.False(NetworkModel.Allowed(m, redis, silo, 30000), "Redis opens connections to the silos");
        Assert.False(NetworkModel.Allowed(m, silo, client, 30000), "silos open connections to clients");
        Assert.False(NetworkModel.Allowed(m, silo, redis, 6380), "silos reach Redis on ports other than 6379");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_resolves_names_through_kube_dns_and_nowhere_else(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var kubeDns = new PodRef("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        var fakeDns = new PodRef("elsewhere", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        var extras = Directory.GetFiles(Path.Combine(RenderedManifests.RepositoryRoot(), "deploy", "k8s", "extras"), "*.yaml")
            .SelectMany(f => RenderedManifests.Parse(File.ReadAllText(f))).Where(o => PodSpec(o) is not null);
        foreach (var workload in m.Workloads().Concat(extras))
        {
            var pod = new PodRef(m.Namespace, PodLabels(workload));
            foreach (var protocol in new[] { "UDP", "TCP" })
            {
                Assert.True(NetworkModel.Allowed(m, pod, kubeDns, 53, protocol), $"{overlay}: {workload.Name()} cannot reach kube-dns on {protocol} 53");
                Assert.False(NetworkModel.Allowed(m, pod, fakeDns, 53, protocol), $"{overlay}: {workload.Name()} reaches {protocol} 53 outside kube-system");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Policies_admit_pods_by_label_and_namespace(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        foreach (var policy in m.OfKind("NetworkPolicy"))
        foreach (var (rules, peers) in new[] { ("ingress", "from"), ("egress", "to") })
        foreach (var peer in policy.Items("spec", rules).SelectMany(r => r.Items(peers)).Where(p => p.At("podSelector") is not null))
        {
            var ns = peer.At("namespaceSelector");
            Assert.True(ns is not null, $"{overlay}: NetworkPolicy {policy.Name()} has a {rules} peer with a podSelector and no namespaceSelector");
            var named = ns.Map("matchLabels").GetValueOrDefault(PodRef.NamespaceNameLabel)
                ?? ns.Items("matchExpressions").Where(e => e.Str("key") == PodRef.NamespaceNameLabel && e.Str("operator") == "In").SelectMany(e => e.Strings("values")).SingleOrDefault();
            Assert.True(named is not null, $"{overlay}: NetworkPolicy {policy.Name()} selects namespaces by something other than {PodRef.NamespaceNameLabel}");
        }

        // The same labels in another namespace get nowhere.
        var silo = PodLabels(SiloSet(m));
        var client = PodLabels(SubmitJob(m));
        var redis = new PodRef(m.Namespace, PodLabels(m.Workload("StatefulSet", "redis")));
        foreach (var (labels, target, port) in new[] { (silo, redis, 6379), (client, redis, 6379), (silo, new PodRef(m.Namespace, silo), 11111), (client, new PodRef(m.Namespace, silo), 30000) })
        {
            Assert.True(NetworkModel.Allowed(m, new PodRef(m.Namespace, labels), target, port));
            Assert.False(NetworkModel.Allowed(m, new PodRef("intruder", labels), target, port),
                $"{overlay}: a pod labelled {Describe(labels)} in namespace 'intruder' reaches {target} on {port}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_health_port_is_open_to_the_namespace_only(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var silo = new PodRef(m.Namespace, PodLabels(SiloSet(m)));
        var neighbour = new PodRef(m.Namespace, new Dictionary<string, string> { ["app"] = "monitor" });
        var monitoring = new PodRef("monitoring", new Dictionary<string, string> { ["app"] = "monitor" });
        Assert.False(NetworkModel.Allowed(m, monitoring, silo, 8080), $"{overlay}: pods of other namespaces reach the silo health port");
        var healthRules = NetworkModel.PoliciesSelecting(m, silo).SelectMany(p => p.Items("spec", "ingress"))
            .Where(r => r.Items("ports").Any(p => p.Str("port") is "8080" or "health")).ToList();
        Assert.NotEmpty(healthRules);
        Assert.True(healthRules.Any(r => r.Items("from").Any(f => NetworkModel.PeerMatches(f, m.Namespace, neighbour))),
            $"{overlay}: pods of the namespace cannot reach the silo health port");
        foreach (var peer in healthRules.SelectMany(r => r.Items("from")))
        {
            // An ipBlock (e.g. the node range, set in an overlay) may be added, but not the whole internet.
            if (peer.At("ipBlock") is { } block)
                Assert.True(block.Str("cidr") is not ("0.0.0.0/0" or "::/0"), $"{overlay}: the health port is open to every address");
            else
                Assert.True(NamesOnly(peer.At("namespaceSelector"), m.Namespace), $"{overlay}: a health-port peer is not limited to namespace {m.Namespace}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Namespace_selectors_follow_an_overlays_namespace(string overlay)
    {
        const string other = "grokking-elsewhere";
        var result = RenderedManifests.RenderCopy("moved", withPassword: true, root =>
        {
            Directory.CreateDirectory(Path.Combine(root, "overlays", "moved"));
            File.WriteAllText(Path.Combine(root, "overlays", "moved", "kustomization.yaml"),
                $"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../{overlay}]\nnamespace: {other}\n");
        });
        var m = RenderedManifests.FromResult($"{overlay} moved to {other}", result);
        Assert.Equal(other, m.Namespace);
        var selectorNames = m.OfKind("NetworkPolicy")
            .SelectMany(p => p.Items("spec", "ingress").SelectMany(r => r.Items("from")).Concat(p.Items("spec", "egress").SelectMany(r => r.Items("to"))))
            .Select(peer => peer.Map("namespaceSelector", "matchLabels").GetValueOrDefault(PodRef.NamespaceNameLabel)).OfType<string>().Distinct().ToList();
        Assert.Equal([other], selectorNames);

        var silo = new PodRef(other, PodLabels(SiloSet(m)));
        var redis = new PodRef(other, PodLabels(m.Workload("StatefulSet", "redis")));
        Assert.True(NetworkModel.Allowed(m, silo, redis, 6379), "after moving namespace, silos cannot reach Redis");
        Assert.True(NetworkModel.Allowed(m, silo, new PodRef("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }), 53, "UDP"),
            "after moving namespace, DNS no longer points at kube-system");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_runs_under_its_own_service_account_without_a_token(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        foreach (var workload in m.Workloads())
        {
            var pod = PodSpec(workload);
            var name = pod.Str("serviceAccountName");
            Assert.True(name is not null && name != "default", $"{overlay}: {workload.Name()} runs under the namespace's default ServiceAccount");
            Assert.True(pod.Str("automountServiceAccountToken") == "false", $"{overlay}: {workload.Name()}'s pods set no automountServiceAccountToken: false");
            var account = m.Named("ServiceAccount", name);
            Assert.True(account.Str("automountServiceAccountToken") == "false", $"{overlay}: ServiceAccount {name} mounts its token by default");
        }
        Assert.NotEqual(PodSpec(SiloSet(m)).Str("serviceAccountName"), PodSpec(SubmitJob(m)).Str("serviceAccountName"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Redis_never_evicts_and_its_memory_limit_is_above_maxmemory(string overlay)
    {
        var c = Container(RenderedManifests.Of(overlay).Workload("StatefulSet", "redis"));
        var commandLine = string.Join(' ', c.Strings("command").Concat(c.Strings("args")));
        Assert.Matches(@"--maxmemory-policy\s+noeviction(\s|$)", commandLine);
        var maxmemory = MaxMemoryFlag().Match(commandLine);
        Assert.True(maxmemory.Success, $"redis-server is started without --maxmemory: {commandLine}");
        var max = RedisBytes(maxmemory.Groups[1].Value);
        Assert.True(max > 0, "--maxmemory 0 means no limit");
        var limit = Resource(c, "limits", "memory");
        Assert.True(limit is not null, "Redis has no memory limit");
        Assert.True(QuantityBytes(limit) > max, $"Redis's memory limit {limit} is not above its maxmemory {maxmemory.Groups[1].Value}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_output_volume_names_a_storage_class(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var claim = Assert.Single(m.OfKind("PersistentVolumeClaim"), p => p.Strings("spec", "accessModes").Contains("ReadWriteMany"));
        Assert.False(string.IsNullOrEmpty(claim.Str("spec", "storageClassName")),
            $"{overlay}: PersistentVolumeClaim {claim.Name()} leaves storageClassName to the cluster default, which is often ReadWriteOnce only");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_spread_over_nodes_without_blocking_a_one_node_cluster(string overlay)
    {
        var m = RenderedManifests.Of(overlay);
        var silo = SiloSet(m);
        var pod = PodSpec(silo);
        var labels = PodLabels(silo);
        var spread = pod.Items("topologySpreadConstraints").Any(t => t.Str("topologyKey") == "kubernetes.io/hostname"
            && t.Str("whenUnsatisfiable") == "ScheduleAnyway" && NetworkModel.SelectorMatches(t.At("labelSelector"), labels));
        var antiAffinity = pod.Items("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution").Any(t =>
            t.Str("podAffinityTerm", "topologyKey") == "kubernetes.io/hostname" && NetworkModel.SelectorMatches(t.At("podAffinityTerm", "labelSelector"), labels));
        Assert.True(spread || antiAffinity, $"{overlay}: silos are not spread over nodes (topologySpreadConstraints or preferred podAntiAffinity on kubernetes.io/hostname)");

        // Hard rules would leave silos Pending on a one-node cluster.
        Assert.DoesNotContain(pod.Items("topologySpreadConstraints"), t => t.Str("whenUnsatisfiable") is null or "DoNotSchedule");
        Assert.Empty(pod.Items("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"));
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

    /// <summary>An image reference with a digest, or a tag holding a full version (x.y.z) or a date (yyyy-mm-dd).</summary>
    private static bool IsPinned(string image)
    {
        if (DigestRef().IsMatch(image)) return true;
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        if (colon <= slash) return false; // no tag (a ':' before the last '/' is a registry port)
        var tag = image[(colon + 1)..];
        return tag != "latest" && VersionTag().IsMatch(tag);
    }

    private static Regex FlavourTag(string flavour) => new($@":\d+\.\d+\.\d+-{flavour}$");

    /// <summary>A namespaceSelector that selects exactly namespace <paramref name="ns"/> by its name label.</summary>
    private static bool NamesOnly(YamlNode? namespaceSelector, string ns) =>
        namespaceSelector is not null
        && namespaceSelector.Items("matchExpressions").Count == 0
        && namespaceSelector.Map("matchLabels") is { Count: 1 } labels
        && labels.GetValueOrDefault(PodRef.NamespaceNameLabel) == ns;

    private static string SecretValue(YamlMappingNode secret, string key) =>
        secret.Str("data", key) is { } encoded ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded))
        : secret.Str("stringData", key) ?? throw new InvalidOperationException($"Secret {secret.Name()} has no key {key}");

    /// <summary>A Kubernetes memory quantity (2Gi, 1536Mi, 2G, 512M, plain bytes) in bytes.</summary>
    private static long QuantityBytes(string quantity)
    {
        var q = QuantityPattern().Match(quantity);
        Assert.True(q.Success, $"cannot read the quantity {quantity}");
        var number = double.Parse(q.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = q.Groups[2].Value switch
        {
            "" => 1d, "k" => 1e3, "M" => 1e6, "G" => 1e9, "T" => 1e12,
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "Ti" => 1L << 40,
            var unit => throw new InvalidOperationException($"unknown unit {unit}"),
        };
        return (long)(number * factor);
    }

    /// <summary>A redis.conf memory size (1536mb, 1gb, 100m = 10^8, plain bytes) in bytes.</summary>
    private static long RedisBytes(string size)
    {
        var q = RedisSizePattern().Match(size);
        Assert.True(q.Success, $"cannot read the Redis size {size}");
        var number = long.Parse(q.Groups[1].Value, CultureInfo.InvariantCulture);
        return number * q.Groups[2].Value.ToLowerInvariant() switch
        {
            "" or "b" => 1L, "k" => 1000L, "kb" => 1L << 10, "m" => 1000_000L, "mb" => 1L << 20, "g" => 1000_000_000L, "gb" => 1L << 30,
            var unit => throw new InvalidOperationException($"unknown unit {unit}"),
        };
    }

    [GeneratedRegex(@"@sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestRef();

    [GeneratedRegex(@"^v?(\d+\.\d+\.\d+|\d{4}-\d{2}-\d{2})([-.+_].*)?$")]
    private static partial Regex VersionTag();

    [GeneratedRegex(@"--maxmemory\s+(\S+)")]
    private static partial Regex MaxMemoryFlag();

    [GeneratedRegex(@"^([0-9.]+)([a-zA-Z]*)$")]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^(\d+)([a-zA-Z]*)$")]
    private static partial Regex RedisSizePattern();

    [GeneratedRegex(@"--dir\s+(\S+)")]
    private static partial Regex DirFlag();

    [GeneratedRegex(@"--requirepass\s+\$\((\w+)\)")]
    private static partial Regex RequirePassFlag();

    [GeneratedRegex(@"(?:^|,)\s*password=\$\((\w+)\)")]
    private static partial Regex PasswordOption();
}
