package io.enrollflow.tracing;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.decorators.AbstractSpanDecorator;

/**
 * A Drive API call made through a camel-google-drive endpoint, named by its API method ({@code drive-files/create},
 * {@code drive-permissions/list}); its HTTP requests (each upload chunk, each retry) are spans under it. Found by
 * camel-opentelemetry2 through {@code META-INF/services}.
 */
public class DriveSpanDecorator extends AbstractSpanDecorator {

    @Override
    public String getComponent() {
        return "google-drive";
    }

    @Override
    public String getComponentClassName() {
        return "org.apache.camel.component.google.drive.GoogleDriveComponent";
    }

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return clipMaxLength(stripSchemeAndOptions(endpoint));
    }
}
