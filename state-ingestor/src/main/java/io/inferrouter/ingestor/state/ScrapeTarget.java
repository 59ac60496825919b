package io.inferrouter.ingestor.state;

/** One endpoint to scrape: a ready member pod's IP and one target port of a pool. */
public record ScrapeTarget(String endpoint, String address, int port, String engineType) {

    public String metricsUrl() {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return "http://" + host + ":" + port + "/metrics";
    }
}
