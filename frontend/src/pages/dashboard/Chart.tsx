// ECharts through echarts-for-react's core build: only the chart types and
// components the dashboard draws are bundled (echarts/core + use()), and the
// whole chunk loads with the lazy dashboard route only.
import { useMemo } from 'react';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { Item } from './options';

echarts.use([BarChart, PieChart, FunnelChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

interface Props {
  option: object;
  /** A click on an item with a drill line. */
  onDrill?: (drill: string, item: Item) => void;
  height?: number;
  /** What a screen reader hears for the canvas (the chart's title). */
  label: string;
  testId?: string;
}

export function Chart({ option, onDrill, height = 300, label, testId }: Props) {
  const events = useMemo(
    () => ({
      click: (p: { data?: Item }) => {
        if (p.data?.drill && onDrill) onDrill(p.data.drill, p.data);
      },
    }),
    [onDrill],
  );
  return (
    <div role="img" aria-label={label} data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={option}
        notMerge
        style={{ height, width: '100%' }}
        onEvents={events}
        onChartReady={(chart) => {
          // The browser test reads the drawn data and finds a bar's pixel.
          const el = chart.getDom() as HTMLElement & { kehuChart?: unknown };
          el.kehuChart = chart;
        }}
      />
    </div>
  );
}
