using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Sources.Amqp;

namespace Stats.Core;

public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the consumer of invenio-stats' queue (<c>Stats:Sources:Amqp</c>), its holding table and its state; the
    /// consumer stays off unless a broker is configured, and its state then says so.
    /// </summary>
    public static IHostApplicationBuilder AddStatsQueueSource(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AmqpOptions>().BindConfiguration(AmqpOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AmqpOptions>, AmqpOptionsValidator>();
        builder.Services.AddSingleton(sp => new AmqpSourceState(sp.GetRequiredService<TimeProvider>())
        {
            Enabled = sp.GetRequiredService<IOptions<AmqpOptions>>().Value.Enabled,
        });
        builder.Services.AddSingleton<HeldEventStore>();
        builder.Services.AddHostedService<AmqpConsumer>();
        return builder;
    }
}
